//! The client's address behind reverse proxies. The TCP peer is the client unless it is a
//! proxy the operator trusts (`--trusted-proxies`); then `X-Forwarded-For` is read from the
//! right (what the nearest proxy appended) past every trusted proxy, and the first address
//! no one trusted is the client. Entries further left were written by the client itself and
//! are never believed.

use axum::http::HeaderMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// The most `X-Forwarded-For` entries read, from the right.
pub const MAX_HOPS: usize = 16;

/// A block of addresses in CIDR notation (`10.0.0.0/8`, `fd00::/8`), or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

/// Why a trusted-proxy range could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an IP address or a CIDR block (such as 10.0.0.0/8 or 127.0.0.1)")]
pub struct BadRange(String);

/// An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) as the IPv4 address it is.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

fn bits(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

fn mask(prefix: u8, width: u8) -> u128 {
    if prefix == 0 {
        return 0;
    }
    let full = if width == 32 {
        u128::from(u32::MAX)
    } else {
        u128::MAX
    };
    let shift = width - prefix;
    (full >> shift) << shift
}

impl IpRange {
    /// Whether `ip` lies in this range (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        let (net, width) = bits(self.network);
        let (addr, addr_width) = bits(ip);
        if width != addr_width {
            return false;
        }
        let m = mask(self.prefix, width);
        addr & m == net & m
    }
}

impl FromStr for IpRange {
    type Err = BadRange;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadRange(s.to_owned());
        let text = s.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let mapped = matches!(addr, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some());
        let network = canonical(addr);
        let width = bits(network).1;
        let prefix = match prefix {
            None => width,
            Some(p) => {
                let p: u8 = p.parse().map_err(|_| bad())?;
                // `::ffff:10.0.0.0/104` is `10.0.0.0/8`.
                let p = if mapped {
                    p.checked_sub(96).ok_or_else(bad)?
                } else {
                    p
                };
                if p > width {
                    return Err(bad());
                }
                p
            }
        };
        Ok(IpRange { network, prefix })
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

fn trusted_by(ranges: &[IpRange], ip: IpAddr) -> bool {
    ranges.iter().any(|r| r.contains(ip))
}

/// One `X-Forwarded-For` entry: an address, possibly bracketed or with a port as some
/// proxies write it (`[2001:db8::1]:443`, `192.0.2.1:51000`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(sock) = entry.parse::<std::net::SocketAddr>() {
        return Some(canonical(sock.ip()));
    }
    let inner = entry.strip_prefix('[')?.strip_suffix(']')?;
    inner.parse::<IpAddr>().ok().map(canonical)
}

/// The client's address: `peer` unless it is a trusted proxy, in which case the rightmost
/// `X-Forwarded-For` address that is not itself trusted (at most [`MAX_HOPS`] entries are
/// read). An unreadable entry stops the walk at the last good address, and so does the
/// hop limit; when every entry is trusted, the leftmost is the client.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpRange]) -> IpAddr {
    let peer = canonical(peer);
    if !trusted_by(trusted, peer) {
        return peer;
    }
    // Several headers count as one list, in order.
    let entries = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect::<Vec<_>>();
    let mut last = peer;
    for entry in entries.iter().rev().take(MAX_HOPS) {
        let Some(ip) = parse_entry(entry) else {
            return last;
        };
        if !trusted_by(trusted, ip) {
            return ip;
        }
        last = ip;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn ranges(list: &[&str]) -> Vec<IpRange> {
        list.iter().map(|s| s.parse().expect("range")).collect()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).expect("value"));
        }
        headers
    }

    #[test]
    fn ranges_are_read_and_matched() {
        let r: IpRange = "10.0.0.0/8".parse().expect("range");
        assert!(r.contains(ip("10.1.2.3")));
        assert!(!r.contains(ip("11.0.0.1")));
        assert!(r.contains(ip("::ffff:10.9.9.9")), "IPv4-mapped IPv6");
        let one: IpRange = "127.0.0.1".parse().expect("range");
        assert!(one.contains(ip("127.0.0.1")));
        assert!(!one.contains(ip("127.0.0.2")));
        let v6: IpRange = "fd00::/8".parse().expect("range");
        assert!(v6.contains(ip("fd12:3456::1")));
        assert!(!v6.contains(ip("fe80::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
        let all: IpRange = "0.0.0.0/0".parse().expect("range");
        assert!(all.contains(ip("203.0.113.9")));
        assert!(!all.contains(ip("2001:db8::1")));
        let all6: IpRange = "::/0".parse().expect("range");
        assert!(all6.contains(ip("2001:db8::1")));
        let host6: IpRange = "2001:db8::1/128".parse().expect("range");
        assert!(host6.contains(ip("2001:db8::1")) && !host6.contains(ip("2001:db8::2")));
        let mapped: IpRange = "::ffff:192.168.0.0/112".parse().expect("range");
        assert_eq!(mapped, "192.168.0.0/16".parse().expect("range"));
        assert!(mapped.contains(ip("192.168.4.4")));
        assert_eq!(
            "10.0.0.0/8".parse::<IpRange>().map(|r| r.to_string()),
            Ok("10.0.0.0/8".into())
        );
        for bad in [
            "",
            "10.0.0.0/33",
            "fd00::/129",
            "10.0.0/8",
            "example.org",
            "10.0.0.0/x",
            "::ffff:1.2.3.4/95",
        ] {
            assert!(bad.parse::<IpRange>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let trusted = ranges(&["10.0.0.0/8"]);
        let headers = forwarded(&["198.51.100.7"]);
        assert_eq!(
            client_ip(ip("203.0.113.5"), &headers, &trusted),
            ip("203.0.113.5")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &[]),
            ip("10.0.0.1"),
            "no proxies trusted by default"
        );
    }

    #[test]
    fn trusted_proxies_are_walked_from_the_right() {
        let trusted = ranges(&["10.0.0.0/8", "127.0.0.1"]);
        let peer = ip("127.0.0.1");
        // The client forged the leftmost entry; the nearest proxy appended the real one.
        let headers = forwarded(&["1.2.3.4, 198.51.100.1, 10.0.0.2"]);
        assert_eq!(client_ip(peer, &headers, &trusted), ip("198.51.100.1"));
        // The same list over two headers.
        let headers = forwarded(&["1.2.3.4", "198.51.100.1, 10.0.0.2"]);
        assert_eq!(client_ip(peer, &headers, &trusted), ip("198.51.100.1"));
        // Mapped peers and entries, ports and brackets.
        let headers = forwarded(&["[2001:db8::5]:443, ::ffff:10.0.0.3"]);
        assert_eq!(
            client_ip(ip("::ffff:127.0.0.1"), &headers, &trusted),
            ip("2001:db8::5")
        );
        let headers = forwarded(&["192.0.2.1:51000"]);
        assert_eq!(client_ip(peer, &headers, &trusted), ip("192.0.2.1"));
        // No header: the proxy itself.
        assert_eq!(client_ip(peer, &HeaderMap::new(), &trusted), peer);
        // Every entry trusted: the leftmost.
        let headers = forwarded(&["10.1.1.1, 10.2.2.2"]);
        assert_eq!(client_ip(peer, &headers, &trusted), ip("10.1.1.1"));
    }

    #[test]
    fn junk_and_long_chains_stop_the_walk() {
        let trusted = ranges(&["10.0.0.0/8", "127.0.0.1"]);
        let peer = ip("127.0.0.1");
        let headers = forwarded(&["198.51.100.1, not-an-address, 10.0.0.2"]);
        assert_eq!(client_ip(peer, &headers, &trusted), ip("10.0.0.2"));
        let headers = forwarded(&["198.51.100.1, unknown"]);
        assert_eq!(client_ip(peer, &headers, &trusted), peer);
        let mut chain = vec!["198.51.100.1".to_string()];
        chain.extend((0..MAX_HOPS).map(|i| format!("10.0.0.{i}")));
        let headers = forwarded(&[chain.join(", ").as_str()]);
        assert_eq!(
            client_ip(peer, &headers, &trusted),
            ip(&format!("10.0.0.{}", 0)),
            "at most {MAX_HOPS} hops read"
        );
        chain.remove(1);
        let headers = forwarded(&[chain.join(", ").as_str()]);
        assert_eq!(client_ip(peer, &headers, &trusted), ip("198.51.100.1"));
    }
}
