using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// Tensor–number arithmetic that keeps the number's <see cref="Scalar"/> alive until libtorch has read it.
/// TorchSharp 0.107 does not track Scalars in dispose scopes and frees them in finalizers, so the temporary
/// of an implicit double → Scalar conversion (<c>t * 0.5</c>) can be finalized while the native call still
/// reads it — seen here as a rare "Unknown scalar type" crash in long sweeps. Library code uses these instead.
/// </summary>
internal static class TensorScalars
{
    /// <summary>α = 1 for sums, held for the process: TorchSharp's <c>add(x)</c> is <c>add(x, 1)</c>, whose 1 is a temporary.</summary>
    private static readonly Scalar One = 1.ToScalar();

    /// <summary>t ⊙ t: TorchSharp's <c>square()</c> makes a temporary Scalar 2.</summary>
    public static Tensor Squared(this Tensor t) => t.mul(t);

    /// <summary>The value of a one-element tensor as a double: TorchSharp's <c>ToDouble()</c> goes through a temporary Scalar.</summary>
    public static double ToNumber(this Tensor t) => t.to(ScalarType.Float64).item<double>();

    /// <summary>t + other.</summary>
    public static Tensor Plus(this Tensor t, Tensor other) => t.add(other, One);

    /// <summary>t ← t + other in place.</summary>
    public static Tensor Plus_(this Tensor t, Tensor other) => t.add_(other, One);

    /// <summary>t[index[i]] ← t[index[i]] + source[i] along <paramref name="dim"/>, in place.</summary>
    public static Tensor IndexAdd_(this Tensor t, long dim, Tensor index, Tensor source) => t.index_add_(dim, index, source, One);

    /// <summary>t · c.</summary>
    public static Tensor Scaled(this Tensor t, double c)
    {
        using var s = c.ToScalar();
        return t.mul(s);
    }

    /// <summary>t + c.</summary>
    public static Tensor Shifted(this Tensor t, double c)
    {
        using var s = c.ToScalar();
        return t.add(s, One);
    }

    /// <summary>t ← t + c in place.</summary>
    public static Tensor Shift_(this Tensor t, double c)
    {
        using var s = c.ToScalar();
        return t.add_(s, One);
    }

    /// <summary>t ← t · c in place.</summary>
    public static Tensor Scale_(this Tensor t, double c)
    {
        using var s = c.ToScalar();
        return t.mul_(s);
    }

    /// <summary>t ← t + α · other in place.</summary>
    public static Tensor AddScaled_(this Tensor t, Tensor other, double alpha)
    {
        using var s = alpha.ToScalar();
        return t.add_(other, s);
    }

    /// <summary>t ← t + α · a ⊙ b in place (a and b broadcast to t's shape).</summary>
    public static Tensor AddProduct_(this Tensor t, Tensor a, Tensor b, double alpha)
    {
        using var s = alpha.ToScalar();
        return t.addcmul_(a, b, s);
    }

    /// <summary>1[t &gt; c] as 0/1 in t's dtype.</summary>
    public static Tensor Above(this Tensor t, double c)
    {
        using var s = c.ToScalar();
        return t.gt(s).to(t.dtype);
    }
}
