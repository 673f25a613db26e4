using System.Globalization;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>A weekly UTC window written "ddd:hh:mm-ddd:hh:mm" (e.g. "Sat:02:00-Sat:04:00"); it may wrap past Sunday.</summary>
public readonly record struct OptimizationWindow(TimeSpan Start, TimeSpan End)
{
    private static readonly string[] Days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    public static bool IsValid(string? text) => TryParse(text, out _);

    public static bool TryParse(string? text, out OptimizationWindow window)
    {
        window = default;
        var parts = text?.Split('-');
        if (parts is not { Length: 2 } || !TryParsePoint(parts[0], out var start) || !TryParsePoint(parts[1], out var end) || start == end)
        {
            return false;
        }

        window = new OptimizationWindow(start, end);
        return true;
    }

    /// <summary>Whether <paramref name="moment"/> (any offset; compared in UTC) falls inside the window.</summary>
    public bool Contains(DateTimeOffset moment)
    {
        var utc = moment.UtcDateTime;
        var point = TimeSpan.FromDays((int)utc.DayOfWeek) + utc.TimeOfDay;
        return Start < End ? point >= Start && point < End : point >= Start || point < End;
    }

    /// <summary>Whether any of the windows contains <paramref name="moment"/>; invalid entries never match.</summary>
    public static bool AnyContains(IEnumerable<string> windows, DateTimeOffset moment) =>
        windows.Any(w => TryParse(w, out var window) && window.Contains(moment));

    private static bool TryParsePoint(string text, out TimeSpan point)
    {
        point = default;
        var fields = text.Trim().Split(':');
        if (fields.Length != 3)
        {
            return false;
        }

        var day = Array.IndexOf(Days, fields[0].ToLowerInvariant());
        if (day < 0
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var hour) || hour > 23 || fields[1].Length != 2
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var minute) || minute > 59 || fields[2].Length != 2)
        {
            return false;
        }

        point = TimeSpan.FromDays(day) + new TimeSpan(hour, minute, 0);
        return point < Week;
    }
}
