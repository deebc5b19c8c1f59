using Cronos;

namespace ObjectStore.Background;

/// <summary>
/// A six-field cron expression (seconds first), as the Functions timer trigger reads it, so the
/// local host fires on exactly the schedule the timer functions use.
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression expression;

    private CronSchedule(string text, CronExpression expression)
    {
        Text = text;
        this.expression = expression;
    }

    public string Text { get; }

    public static CronSchedule Parse(string text) => new(text, CronExpression.Parse(text, CronFormat.IncludeSeconds));

    public DateTimeOffset? NextAfter(DateTimeOffset instant) => expression.GetNextOccurrence(instant, TimeZoneInfo.Utc);
}
