using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Diffusion.Contracts;

/// <summary>
/// Derives a params schema from an options record, so the record is the single source of names, kinds, defaults and
/// ranges. Properties are described by <see cref="ParamAttribute"/>; defaults are read from a default instance.
/// </summary>
public static class OptionsSchema
{
    /// <summary>The params of <paramref name="optionsType"/> (which must have a public parameterless constructor).</summary>
    public static IReadOnlyList<ParamDescriptor> Describe(Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(optionsType);
        var typeInfo = OptionsJson.Options.GetTypeInfo(optionsType);
        object defaults = Activator.CreateInstance(optionsType)
            ?? throw new ArgumentException($"{optionsType.Name} needs a public parameterless constructor.", nameof(optionsType));
        var result = new List<ParamDescriptor>();
        foreach (JsonPropertyInfo property in typeInfo.Properties)
        {
            var member = property.AttributeProvider as PropertyInfo;
            var attribute = member?.GetCustomAttribute<ParamAttribute>();
            object? defaultValue = member?.GetValue(defaults);
            var kind = KindOf(property.PropertyType);
            result.Add(new ParamDescriptor
            {
                Name = property.Name,
                Kind = kind,
                Description = attribute?.Description ?? "",
                Required = attribute?.Required ?? false,
                Default = attribute?.Required == true || defaultValue is null
                    ? null
                    : JsonSerializer.SerializeToNode(defaultValue, property.PropertyType, OptionsJson.Options),
                Minimum = attribute is null || double.IsNaN(attribute.Min) ? null : attribute.Min,
                Maximum = attribute is null || double.IsNaN(attribute.Max) ? null : attribute.Max,
                Choices = attribute?.Choices ?? EnumChoices(property.PropertyType),
                ItemKind = kind == ParamKind.Array ? KindOf(ElementType(property.PropertyType)) : null,
                Path = attribute?.Path ?? PathKind.None,
            });
        }

        return result;
    }

    /// <summary>The JSON kind a .NET property type maps to.</summary>
    public static ParamKind KindOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(bool))
        {
            return ParamKind.Boolean;
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong))
        {
            return ParamKind.Integer;
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return ParamKind.Number;
        }

        if (type == typeof(string) || type.IsEnum)
        {
            return ParamKind.String;
        }

        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && !IsDictionary(type))
        {
            return ParamKind.Array;
        }

        return ParamKind.Object;
    }

    /// <summary>The JSON names of an enum (or nullable enum) property's values, as <see cref="OptionsJson"/> writes them.</summary>
    public static IReadOnlyList<string>? EnumChoices(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (!type.IsEnum)
        {
            return null;
        }

        return [.. Enum.GetValues(type).Cast<object>().Select(v => JsonSerializer.SerializeToElement(v, type, OptionsJson.Options).GetString()!)];
    }

    private static bool IsDictionary(Type type) =>
        typeof(IDictionary).IsAssignableFrom(type) || type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));

    private static Type ElementType(Type type) =>
        type.IsArray ? type.GetElementType()!
        : type.GetInterfaces().Concat([type]).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0]
          ?? typeof(object);

    /// <summary>Fills absent params with their defaults; returns a new object, the input is not changed.</summary>
    public static JsonObject WithDefaults(IReadOnlyList<ParamDescriptor> schema, JsonObject? given)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var result = given is null ? new JsonObject() : (JsonObject)given.DeepClone();
        foreach (var param in schema)
        {
            if (!result.ContainsKey(param.Name) && param.Default is not null)
            {
                result[param.Name] = param.Default.DeepClone();
            }
        }

        return result;
    }
}
