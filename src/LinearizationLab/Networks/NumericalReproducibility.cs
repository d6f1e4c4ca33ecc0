using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LinearizationLab.Networks;

/// <summary>
/// Makes libtorch's CPU math bit-reproducible: MKL picks kernels by the memory alignment of its
/// buffers, so the same seed could give results differing in the last bits between runs. Setting
/// <c>MKL_CBWR=AUTO,STRICT</c> (MKL's conditional numerical reproducibility) in the native
/// environment before the first BLAS call removes that. A value the user set is kept.
/// </summary>
public static class NumericalReproducibility
{
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironment(string name, string value, int overwrite);

#pragma warning disable CA2255 // The setting must precede libtorch's first call, whoever makes it.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            SetNativeEnvironment("MKL_CBWR", "AUTO,STRICT", 0);
    }
}
