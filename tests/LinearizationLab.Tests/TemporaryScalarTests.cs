using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using TorchSharp;

namespace LinearizationLab.Tests;

/// <summary>
/// TorchSharp 0.107 frees a <c>Scalar</c> in its finalizer and does not keep it alive across the native call it is passed
/// to: a temporary Scalar can be finalized while libtorch still reads it, and a sweep then dies at random ("Expected false
/// to be true … toDouble", "Unknown scalar type"). Temporaries come from implicit number → Scalar conversions in our code and
/// from TorchSharp members that make one inside (<c>add(x)</c> is <c>add(x, 1)</c>, <c>square()</c> is a power with a Scalar
/// 2, <c>ToDouble()</c> reads the value through a Scalar, <c>t * 0.5</c> …). The library goes through <c>TensorScalars</c>,
/// which holds every Scalar it passes. This test finds TorchSharp's Scalar-making members by reading TorchSharp's IL, then
/// names, by file and line, every call of the library to one of them.
/// </summary>
public class TemporaryScalarTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static |
        BindingFlags.Instance | BindingFlags.DeclaredOnly;

    [Fact]
    public void TheLibraryMakesNoTemporaryScalars()
    {
        var torchSharp = typeof(torch).Assembly;
        var makers = Methods(torchSharp).Where(m => Calls(m).Any(IsConversion)).ToHashSet();
        Assert.Contains(makers, m => m.Name == "square");   // the scan sees TorchSharp's temporaries at all
        var library = typeof(GramMatrix).Assembly;
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(Path.ChangeExtension(library.Location, ".pdb")));
        var pdb = pdbProvider.GetMetadataReader();
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var method in Methods(library).Where(m => m.DeclaringType?.Name != "TensorScalars"))   // it holds its Scalars
            foreach (var (offset, callee) in CallSites(method))
                if (IsConversion(callee) || makers.Contains(callee))
                    found.Add($"{SourceLine(pdb, method, offset)}: {callee.DeclaringType?.Name}.{callee.Name}");
        Assert.True(found.Count == 0, "temporary Scalars at\n" + string.Join("\n", found));
    }

    /// <summary>An implicit number → Scalar conversion (an explicit <c>ToScalar()</c> is the caller's to hold and dispose).</summary>
    private static bool IsConversion(MethodBase callee) => callee.Name == "op_Implicit" && callee.DeclaringType == typeof(Scalar);

    private static IEnumerable<MethodBase> Methods(Assembly assembly) => assembly.GetTypes()
        .SelectMany(t => t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared)));

    private static IEnumerable<MethodBase> Calls(MethodBase method) => CallSites(method).Select(c => c.Callee);

    /// <summary>The IL offset and target of every call in <paramref name="method"/>'s body.</summary>
    private static IEnumerable<(int Offset, MethodBase Callee)> CallSites(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException) { il = null; }
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } type ? type.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            int offset = i;
            short value = il[i] == 0xFE ? unchecked((short)(0xFE00 | il[i + 1])) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var opcode = OpCodesByValue[value];
            if (opcode.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try { callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArguments, methodArguments); }
                catch (ArgumentException) { }
                if (callee is not null) yield return (offset, callee);
            }
            i += OperandSize(opcode.OperandType, il, i);
        }
    }

    private static int OperandSize(OperandType operand, byte[] il, int at) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,   // tokens, branch targets, int32 and float32 immediates
    };

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>file:line of the sequence point that covers <paramref name="offset"/> in the method's IL.</summary>
    private static string SourceLine(MetadataReader pdb, MethodBase method, int offset)
    {
        var handle = (MethodDefinitionHandle)MetadataTokens.EntityHandle(method.MetadataToken);
        SequencePoint? best = null;
        foreach (var point in pdb.GetMethodDebugInformation(handle).GetSequencePoints())
            if (!point.IsHidden && point.Offset <= offset && (best is null || point.Offset >= best.Value.Offset)) best = point;
        if (best is not { } p) return $"{method.DeclaringType?.FullName}.{method.Name}";
        string file = pdb.GetString(pdb.GetDocument(p.Document).Name).Replace('\\', '/');
        int src = file.LastIndexOf("/src/", StringComparison.Ordinal);
        return $"{(src >= 0 ? file[(src + 1)..] : Path.GetFileName(file))}:{p.StartLine}";
    }
}
