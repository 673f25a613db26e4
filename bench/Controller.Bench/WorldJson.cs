using System.Text.Json;

namespace StatefulSpot.Controller.Bench;

/// <summary>Reading the emulator's world snapshot (<c>GET /_emulator/world</c>): its lists, texts and owner tags.</summary>
internal static class WorldJson
{
    private const string OwnerTag = "statefulspot:managed-instance";

    public static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        element.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [];

    public static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The managed instance a resource is tagged with, if any.</summary>
    public static string? Owner(JsonElement element) =>
        element.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(OwnerTag, out var owner)
            ? owner.GetString()
            : null;
}
