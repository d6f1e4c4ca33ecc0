using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace LinearizationLab.Tests;

/// <summary>
/// TorchSharp 0.107 frees a <c>Scalar</c> in its finalizer and does not keep it alive across the native call it is passed
/// to: a temporary Scalar (an implicit number → Scalar conversion, or one made inside an overload such as
/// <c>Tensor.add(Tensor)</c>, which calls <c>add(target, 1)</c>) can be finalized while libtorch still reads it. A sweep
/// then dies at random with "Expected false to be true … toDouble" from <c>add_Tensor</c>. The library goes through
/// <c>TensorScalars</c>, which holds every Scalar it passes; this test reads the library's IL and names, by file and line,
/// every call that would make such a temporary.
/// </summary>
public class TemporaryScalarTests
{
    /// <summary>TorchSharp members whose call makes a temporary Scalar: (declaring type, name, parameter count).</summary>
    private static readonly (string Type, string Name, int Parameters)[] Unsafe =
    [
        ("Scalar", "op_Implicit", -1),
        ("Tensor", "add", 1), ("Tensor", "add_", 1), ("Tensor", "op_Addition", 2),   // add(x) is add(x, 1); sub(x) has no α
        ("Tensor", "addcmul", 2), ("Tensor", "addcmul_", 2), ("Tensor", "addcdiv", 2), ("Tensor", "addcdiv_", 2),
    ];

    [Fact]
    public void TheLibraryMakesNoTemporaryScalars()
    {
        string dll = typeof(GramMatrix).Assembly.Location;
        using var pe = new PEReader(File.OpenRead(dll));
        var metadata = pe.GetMetadataReader();
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(Path.ChangeExtension(dll, ".pdb")));
        var pdb = pdbProvider.GetMetadataReader();
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in metadata.MethodDefinitions)
        {
            var method = metadata.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0) continue;
            string owner = metadata.GetString(metadata.GetTypeDefinition(method.GetDeclaringType()).Name);
            if (owner == "TensorScalars") continue;   // the one place that makes Scalars, and holds them
            var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader();
            while (il.RemainingBytes > 0)
            {
                int offset = il.Offset;
                var opcode = ReadOpCode(ref il);
                if (opcode.OperandType == OperandType.InlineMethod)
                {
                    int token = il.ReadInt32();
                    if (Describe(metadata, MetadataTokens.EntityHandle(token)) is { } callee && IsUnsafe(callee))
                        found.Add($"{SourceLine(pdb, handle, offset)}: {callee.Type}.{callee.Name}");
                }
                else Skip(ref il, opcode.OperandType);
            }
        }
        Assert.True(found.Count == 0, "temporary Scalars at\n" + string.Join("\n", found));
    }

    private static bool IsUnsafe((string Type, string Name, int Parameters) callee) =>
        Unsafe.Any(u => u.Type == callee.Type && u.Name == callee.Name && (u.Parameters < 0 || u.Parameters == callee.Parameters));

    /// <summary>The declaring type's name, the member's name and its parameter count, for a TorchSharp method reference.</summary>
    private static (string Type, string Name, int Parameters)? Describe(MetadataReader metadata, EntityHandle handle)
    {
        if (handle.Kind == HandleKind.MethodSpecification)
            handle = metadata.GetMethodSpecification((MethodSpecificationHandle)handle).Method;
        if (handle.Kind != HandleKind.MemberReference) return null;
        var member = metadata.GetMemberReference((MemberReferenceHandle)handle);
        if (member.Parent.Kind != HandleKind.TypeReference) return null;
        var type = metadata.GetTypeReference((TypeReferenceHandle)member.Parent);
        string name = metadata.GetString(type.Name);   // "Tensor" for the nested torch.Tensor
        var signature = metadata.GetBlobReader(member.Signature);
        var header = signature.ReadSignatureHeader();
        if (header.IsGeneric) signature.ReadCompressedInteger();
        int parameters = signature.ReadCompressedInteger();
        return (name, metadata.GetString(member.Name), parameters);
    }

    /// <summary>file:line of the sequence point that covers <paramref name="offset"/> in the method's IL.</summary>
    private static string SourceLine(MetadataReader pdb, MethodDefinitionHandle method, int offset)
    {
        var info = pdb.GetMethodDebugInformation(method);
        SequencePoint? best = null;
        foreach (var point in info.GetSequencePoints())
            if (!point.IsHidden && point.Offset <= offset && (best is null || point.Offset >= best.Value.Offset)) best = point;
        if (best is not { } p) return "?";
        string file = pdb.GetString(pdb.GetDocument(p.Document).Name);
        int src = file.Replace('\\', '/').LastIndexOf("/src/", StringComparison.Ordinal);
        return $"{(src >= 0 ? file[(src + 1)..] : Path.GetFileName(file))}:{p.StartLine}";
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    private static OpCode ReadOpCode(ref BlobReader il)
    {
        byte first = il.ReadByte();
        short value = first == 0xFE ? unchecked((short)(0xFE00 | il.ReadByte())) : first;
        return OpCodesByValue.TryGetValue(value, out var opcode) ? opcode
            : throw new InvalidOperationException($"unknown IL opcode 0x{value:X} at offset {il.Offset - 1}");
    }

    private static void Skip(ref BlobReader il, OperandType operand)
    {
        switch (operand)
        {
            case OperandType.InlineNone: break;
            case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
            case OperandType.InlineVar: il.Offset += 2; break;
            case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
            case OperandType.InlineSwitch:
                int targets = il.ReadInt32();   // read before Offset: `Offset += 4 * ReadInt32()` would read Offset first
                il.Offset += 4 * targets;
                break;
            default: il.Offset += 4; break;   // 4-byte tokens, branch targets, int32 and float32 immediates
        }
    }
}
