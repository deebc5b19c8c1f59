using System.Net;
using System.Net.Sockets;

namespace ObjectStore.S3.Access.Policies;

/// <summary>An IPv4 or IPv6 CIDR block ("203.0.113.0/24", "2001:db8::/32"; a bare address is a /32 or /128).</summary>
public readonly record struct IpRange(IPAddress Network, int PrefixLength)
{
    public static bool TryParse(string text, out IpRange range)
    {
        range = default;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address))
            return false;
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > bits))
            return false;
        range = new IpRange(address, prefix);
        return true;
    }

    public int AddressBits => Network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;

    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != Network.AddressFamily)
            return false;
        Span<byte> a = stackalloc byte[16];
        Span<byte> n = stackalloc byte[16];
        address.TryWriteBytes(a, out var length);
        Network.TryWriteBytes(n, out _);
        var remaining = PrefixLength;
        for (var i = 0; i < length && remaining > 0; i++, remaining -= 8)
        {
            var mask = remaining >= 8 ? 0xFF : (byte)(0xFF << (8 - remaining));
            if ((a[i] & mask) != (n[i] & mask))
                return false;
        }
        return true;
    }
}
