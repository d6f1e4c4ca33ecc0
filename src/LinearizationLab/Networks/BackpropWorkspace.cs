using LinearizationLab.Layers;
using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// One forward pass of a <see cref="Network"/> kept for its hand-written reverse pass: each layer's <see cref="LayerBuffers"/>
/// and the input it saw. A workspace serves one batch shape at a time; its buffers are reused across steps.
/// </summary>
public sealed class BackpropWorkspace : IDisposable
{
    private readonly LayerBuffers[] _buffers;
    private readonly Tensor?[] _inputs;
    private readonly LayerBuffers _stacked = new();

    /// <summary>A workspace for a network of <paramref name="layerCount"/> layers.</summary>
    public BackpropWorkspace(int layerCount)
    {
        _buffers = Enumerable.Range(0, layerCount).Select(_ => new LayerBuffers()).ToArray();
        _inputs = new Tensor?[layerCount];
    }

    /// <summary>The buffers of layer <paramref name="layer"/>.</summary>
    public LayerBuffers this[int layer] => _buffers[layer];

    /// <summary>The input layer <paramref name="layer"/> saw in the last pass.</summary>
    public Tensor Input(int layer) => _inputs[layer] ?? throw new InvalidOperationException("no forward pass has been stored");

    /// <summary>The network's input stacked with its Taylor coefficients for a hand-written jet, [(k+1)·N, ...].</summary>
    public Tensor StackedInput(long[] shape, Tensor like) => _stacked.Output(shape, like);

    /// <summary>The output of the last pass.</summary>
    public Tensor? Output { get; private set; }

    /// <summary>Records what layer <paramref name="layer"/> saw (a reference: the tensor must outlive the pass).</summary>
    internal void SetInput(int layer, Tensor input) => _inputs[layer] = input;

    internal void SetOutput(Tensor output) => Output = output;

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var b in _buffers) b.Dispose();
        _stacked.Dispose();
    }
}
