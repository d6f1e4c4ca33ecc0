using LinearizationLab.Architecture;

namespace LinearizationLab.Data;

/// <summary>
/// Input files of the command line (docs/ARCHITECTURE.md, "File formats"): one example per row, features flattened in C,H,W
/// order, as CSV, .npy (an array of shape (N, …) is N rows) or one array of an .npz (<see cref="MatrixFile.Read"/>).
/// </summary>
public static class InputMatrix
{
    /// <summary>Reads <paramref name="path"/> (a <see cref="MatrixFile"/> reference) and checks that each row has prod(input_shape) columns.</summary>
    public static double[,] Read(string path, ArchitectureSpec arch)
    {
        ArgumentNullException.ThrowIfNull(arch);
        var x = MatrixFile.Read(path);
        if (x.GetLength(1) != arch.InputSize)
            throw new InvalidInputException(path, "columns",
                $"rows have {x.GetLength(1)} values but arch input_shape [{string.Join(",", arch.InputShape)}] needs {arch.InputSize}");
        return x;
    }
}
