using LinearizationLab.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>Where and in which precision tensors live: passed explicitly everywhere, never a global default.</summary>
public sealed record TensorSettings(ScalarType DType, Device Device)
{
    /// <summary>float64 on the CPU: the setting for every comparison of numbers.</summary>
    public static TensorSettings CpuFloat64 => new(ScalarType.Float64, CPU);

    /// <summary>Reads <c>dtype</c> ("float32" | "float64", default float64) and <c>device</c> ("cpu" | "cuda" | "cuda:K", default cpu).</summary>
    public static TensorSettings Read(JsonSection s)
    {
        var dtype = s.String("dtype", "float64", "float32", "float64") == "float32" ? ScalarType.Float32 : ScalarType.Float64;
        string device = s.String("device", "cpu");
        return new TensorSettings(dtype, ParseDevice(device, s.File, s.FieldPath("device")));
    }

    /// <summary>Parses a device name; CUDA on a machine without it is an <see cref="InvalidInputException"/>.</summary>
    public static Device ParseDevice(string name, string file, string field)
    {
        string n = name.Trim().ToLowerInvariant();
        if (n == "cpu") return CPU;
        if (n == "cuda" || n.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new InvalidInputException(file, field,
                    "CUDA is not available (no GPU, or built with the CPU backend; rebuild with -p:TorchBackend=cuda)");
            return new Device(n);
        }
        throw new InvalidInputException(file, field, $"'{name}' is not cpu, cuda or cuda:K");
    }

    /// <summary>"float32" or "float64".</summary>
    public string DTypeName => DType == ScalarType.Float32 ? "float32" : "float64";
}
