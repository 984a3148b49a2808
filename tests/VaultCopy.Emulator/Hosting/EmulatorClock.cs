namespace VaultCopy.Emulator.Hosting;

/// <summary>
/// The world's time: real time plus a controllable offset. Session expiry and (later) copy progress follow it.
/// Signature freshness (the 15-minute skew window and presigned-URL expiry) is checked against the real
/// <see cref="WallClock"/> instead, because SDK clients sign with their own real clock: advancing world time
/// must expire sessions without making every fresh request look skewed.
/// </summary>
public sealed class EmulatorClock
{
    private long _offsetTicks;

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow + Offset;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    /// <summary>The transport clock used for SigV4 freshness checks.</summary>
    public static DateTimeOffset WallClock => DateTimeOffset.UtcNow;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public void Reset() => Offset = TimeSpan.Zero;
}
