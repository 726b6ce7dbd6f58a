namespace Diffusion.Core;

/// <summary>Builds RFC 6901 JSON pointers into pipeline files.</summary>
public static class JsonPointer
{
    /// <summary>Escapes one reference token (<c>~</c> → <c>~0</c>, <c>/</c> → <c>~1</c>).</summary>
    public static string Escape(string token) =>
        token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>Joins tokens into a pointer, escaping each.</summary>
    public static string Of(params string[] tokens) => tokens.Length == 0 ? "" : "/" + string.Join('/', tokens.Select(Escape));

    /// <summary>The pointer of a node.</summary>
    public static string Node(string id) => Of("nodes", id);

    /// <summary>The pointer of a node's field (type, inputs, params).</summary>
    public static string NodeField(string id, string field) => Of("nodes", id, field);

    /// <summary>The pointer of one input of a node.</summary>
    public static string Input(string id, string input) => Of("nodes", id, "inputs", input);

    /// <summary>The pointer of one param of a node.</summary>
    public static string Param(string id, string param) => Of("nodes", id, "params", param);
}
