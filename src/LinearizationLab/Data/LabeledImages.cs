namespace LinearizationLab.Data;

/// <summary>
/// One split of a grey-scale labelled image corpus (MNIST, Fashion-MNIST) kept as raw bytes, from which
/// float64 <see cref="Dataset"/>s are cut: subsets (first k per class, or a seeded random draw),
/// pixels scaled to [0,1], optional average pooling, one-hot targets.
/// </summary>
public sealed class LabeledImages
{
    /// <summary>Number of classes in MNIST and Fashion-MNIST.</summary>
    public const int ClassCount = 10;

    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    /// <summary>Wraps pixel bytes (N × H × W, row-major) and labels (N values in 0..9).</summary>
    public LabeledImages(byte[] pixels, byte[] labels, int height, int width)
    {
        if (height < 1 || width < 1) throw new ArgumentException("image sizes must be positive");
        if (pixels.LongLength != (long)labels.Length * height * width)
            throw new ArgumentException($"{pixels.Length} pixel bytes do not hold {labels.Length} images of {height}×{width}");
        int bad = Array.FindIndex(labels, l => l >= ClassCount);
        if (bad >= 0) throw new ArgumentException($"label {labels[bad]} of image {bad} is outside 0..{ClassCount - 1}");
        _pixels = pixels;
        _labels = labels;
        Height = height;
        Width = width;
    }

    /// <summary>Number of images N.</summary>
    public int Count => _labels.Length;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>The class of image <paramref name="index"/>.</summary>
    public int Label(int index) => _labels[index];

    /// <summary>The raw byte (0..255) of pixel (<paramref name="row"/>, <paramref name="column"/>) of image <paramref name="index"/>.</summary>
    public byte Pixel(int index, int row, int column) => _pixels[((long)index * Height + row) * Width + column];

    /// <summary>
    /// The directory <c>.data/mnist</c> or <c>.data/fashion-mnist</c> under <paramref name="repositoryRoot"/> when it is given,
    /// else the corpus's folder among the data folders searched (<see cref="DataDirectory.Locate"/>).
    /// </summary>
    public static string DefaultDirectory(ImageCorpus corpus, string? repositoryRoot = null) =>
        repositoryRoot is null ? DataDirectory.Locate(corpus)
            : System.IO.Path.Combine(repositoryRoot, ".data", DataDirectory.FolderName(corpus));

    /// <summary>Loads a split of a corpus from its default directory (<see cref="DataDirectory.Locate"/>).</summary>
    public static LabeledImages Load(ImageCorpus corpus, ImageSplit split) => Load(DefaultDirectory(corpus), split);

    /// <summary>
    /// Loads a split from <paramref name="directory"/>, which holds the standard file names
    /// (<c>train-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, …), each raw or with a <c>.gz</c> suffix.
    /// </summary>
    public static LabeledImages Load(string directory, ImageSplit split)
    {
        string prefix = split == ImageSplit.Train ? "train" : "t10k";
        var images = IdxFile.Read(Locate(directory, $"{prefix}-images-idx3-ubyte"));
        var labels = IdxFile.Read(Locate(directory, $"{prefix}-labels-idx1-ubyte"));
        if (images.Dimensions.Length != 3)
            throw new InvalidInputException(images.Path, "(header)", $"has {images.Dimensions.Length} dimensions; images need 3 (N, H, W)");
        if (labels.Dimensions.Length != 1)
            throw new InvalidInputException(labels.Path, "(header)", $"has {labels.Dimensions.Length} dimensions; labels need 1 (N)");
        if (images.Dimensions[0] != labels.Dimensions[0])
            throw new InvalidInputException(labels.Path, "(header)",
                $"has {labels.Dimensions[0]} labels but {images.Path} has {images.Dimensions[0]} images");
        int bad = Array.FindIndex(labels.Data, l => l >= ClassCount);
        if (bad >= 0)
            throw new InvalidInputException(labels.Path, "(data)", $"label {labels.Data[bad]} of image {bad} is outside 0..{ClassCount - 1}");
        return new LabeledImages(images.Data, labels.Data, images.Dimensions[1], images.Dimensions[2]);
    }

    /// <summary>How many images each class has.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (byte l in _labels) counts[l]++;
        return counts;
    }

    /// <summary>
    /// Indices of the first <paramref name="perClass"/> images of each class in file order (the
    /// deterministic balanced subsets of Lee et al. 2019); throws when a class has fewer.
    /// </summary>
    public int[] FirstPerClass(int perClass)
    {
        if (perClass < 0) throw new ArgumentOutOfRangeException(nameof(perClass));
        var taken = new int[ClassCount];
        var indices = new List<int>(perClass * ClassCount);
        for (int i = 0; i < Count && indices.Count < perClass * ClassCount; i++)
            if (taken[_labels[i]] < perClass)
            {
                taken[_labels[i]]++;
                indices.Add(i);
            }
        if (indices.Count < perClass * ClassCount)
        {
            int c = Array.FindIndex(taken, t => t < perClass);
            throw new ArgumentException($"class {c} has only {taken[c]} images, fewer than {perClass}");
        }
        return indices.ToArray();
    }

    /// <summary>
    /// Indices of <paramref name="size"/> distinct images drawn uniformly without replacement by a partial
    /// Fisher–Yates shuffle driven by <c>System.Random(seed)</c>, in draw order.
    /// </summary>
    public int[] RandomSubset(int size, int seed)
    {
        if (size < 0 || size > Count)
            throw new ArgumentOutOfRangeException(nameof(size), $"cannot draw {size} of {Count} images");
        var rng = new Random(seed);
        var order = Enumerable.Range(0, Count).ToArray();
        for (int i = 0; i < size; i++)
        {
            int j = rng.Next(i, Count);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order[..size];
    }

    /// <summary>
    /// The images at <paramref name="indices"/> as a dataset of feature shape [1, H/pool, W/pool]: pixel bytes
    /// divided by 255, then averaged over non-overlapping pool × pool blocks (pool must divide H and W),
    /// with one-hot targets and labels.
    /// </summary>
    public Dataset ToDataset(IReadOnlyList<int> indices, int pool, OneHotTargets oneHot)
    {
        if (pool < 1 || Height % pool != 0 || Width % pool != 0)
            throw new ArgumentException($"pool factor {pool} does not divide the image size {Height}×{Width}");
        int h = Height / pool, w = Width / pool, d = h * w;
        double divisor = 255.0 * pool * pool;
        var x = new double[indices.Count * d];
        var labels = new int[indices.Count];
        for (int r = 0; r < indices.Count; r++)
        {
            int i = indices[r];
            labels[r] = _labels[i];
            long image = (long)i * Height * Width;
            for (int py = 0; py < h; py++)
                for (int px = 0; px < w; px++)
                {
                    int sum = 0;
                    for (int dy = 0; dy < pool; dy++)
                    {
                        long row = image + (long)(py * pool + dy) * Width + px * pool;
                        for (int dx = 0; dx < pool; dx++) sum += _pixels[row + dx];
                    }
                    x[(long)r * d + py * w + px] = sum / divisor;
                }
        }
        return new Dataset(x, [1, h, w], oneHot.Encode(labels, ClassCount), ClassCount, labels);
    }

    private static string Locate(string directory, string name)
    {
        string raw = System.IO.Path.Combine(directory, name);
        if (File.Exists(raw)) return raw;
        if (File.Exists(raw + ".gz")) return raw + ".gz";
        throw new InvalidInputException(raw, "(file)", "file not found (nor with .gz)");
    }
}
