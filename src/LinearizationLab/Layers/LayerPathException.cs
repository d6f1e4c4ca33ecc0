namespace LinearizationLab.Layers;

/// <summary>
/// A layer inside a block that cannot take its input: <see cref="Path"/> says where it sits relative to the block's own field
/// (e.g. <c>.shortcut[0]</c> or <c>.branches[1][2]</c>), and the message gives the reason.
/// </summary>
public sealed class LayerPathException(string path, string reason) : ArgumentException(reason)
{
    /// <summary>The nested field path, starting with a dot.</summary>
    public string Path { get; } = path;

    /// <summary>The same reason one level up: <paramref name="prefix"/> (e.g. <c>.layers[2]</c>) before the path.</summary>
    public LayerPathException Under(string prefix) => new(prefix + Path, Message);
}
