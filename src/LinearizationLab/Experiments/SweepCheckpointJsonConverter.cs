using System.Text.Json;
using System.Text.Json.Serialization;

namespace LinearizationLab.Experiments;

/// <summary>
/// Writes a <see cref="SweepCheckpoint"/> as the flat object run files have always held: "step", then
/// <see cref="SweepCheckpoint.Values"/> by name in that order (a null written as null, a value that is not there left
/// out), numbers as the serializer's options write a double (so NaN as "NaN"); reads it back by name.
/// </summary>
internal sealed class SweepCheckpointJsonConverter : JsonConverter<SweepCheckpoint>
{
    private const string StepName = "step";

    public override void Write(Utf8JsonWriter writer, SweepCheckpoint value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber(StepName, value.Step);
        foreach (var (name, v) in value.Values)
        {
            writer.WritePropertyName(name);
            JsonSerializer.Serialize(writer, v, options);
        }
        writer.WriteEndObject();
    }

    public override SweepCheckpoint Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a checkpoint must be an object");
        int? step = null;
        var values = new List<(string, double?)>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName) throw new JsonException("a checkpoint must be an object of numbers");
            string name = reader.GetString()!;
            reader.Read();
            double? value = JsonSerializer.Deserialize<double?>(ref reader, options);
            if (name == StepName)
                step = value is { } s && s == Math.Floor(s) && s >= 0 && s <= int.MaxValue ? (int)s : throw new JsonException($"\"step\" is not a step: {value}");
            else
                values.Add((name, value));
        }
        if (reader.TokenType != JsonTokenType.EndObject) throw new JsonException("unfinished checkpoint");
        return SweepCheckpoint.FromValues(step ?? throw new JsonException("a checkpoint without \"step\""), values);
    }
}
