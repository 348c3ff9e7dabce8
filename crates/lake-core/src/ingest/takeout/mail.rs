//! Gmail mbox, streamed line by line: a message of any size keeps at most [`BODY_CAP`] bytes
//! in memory (for its text); headers are unfolded, subjects RFC 2047-decoded, `>From ` lines
//! unquoted.

use std::io::{BufReader, Read};

use base64::Engine;

use super::tables::{Key, Tables, EMAILS, V};
use crate::error::ReadError;

/// Bytes of a message body kept to extract its text.
pub const BODY_CAP: usize = 1 << 20;
/// Characters of body text stored per message.
pub const TEXT_CAP: usize = 64 << 10;

#[derive(Default)]
struct Msg {
    first_line: u64,
    headers: Vec<(String, String)>,
    in_headers: bool,
    body: Vec<u8>,
    size: u64,
    attachment: bool,
}

/// Longest mbox line kept whole; the rest of a longer line is read and dropped (a message body
/// is kept only up to [`BODY_CAP`] anyway), so memory stays bounded.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Reads an mbox; returns the number of messages.
pub fn mbox(
    t: &mut Tables,
    file: &str,
    r: &mut dyn Read,
    progress: &mut dyn FnMut() -> Result<(), ReadError>,
) -> Result<u64, ReadError> {
    let mut rd = BufReader::with_capacity(1 << 20, r);
    let mut line = Vec::new();
    let mut cur: Option<Msg> = None;
    let mut n = 0u64;
    let mut lineno = 0u64;
    let mut prev_blank = true;
    let mut cut_lines = 0u64;
    loop {
        line.clear();
        let (k, over) =
            crate::ingest::records::read_line_capped(&mut rd, &mut line, MAX_LINE_BYTES)
                .map_err(|e| format!("read error after line {lineno}: {e}"))?;
        if k == 0 {
            break;
        }
        lineno += 1;
        if over {
            cut_lines += 1;
        }
        if line.starts_with(b"From ") && (prev_blank || cur.is_none()) {
            if let Some(m) = cur.take() {
                finish(t, file, m, &mut n);
                if n.is_multiple_of(1000) {
                    progress()?;
                }
            }
            cur = Some(Msg {
                first_line: lineno,
                in_headers: true,
                ..Default::default()
            });
            prev_blank = false;
            continue;
        }
        let Some(m) = cur.as_mut() else {
            if lineno == 1 {
                return Err("line 1: not an mbox (it does not start with `From `)".into());
            }
            continue;
        };
        let mut body_line: &[u8] = &line;
        // mboxo/mboxrd quoting.
        if body_line.starts_with(b">") {
            let gt = body_line.iter().take_while(|c| **c == b'>').count();
            if body_line[gt..].starts_with(b"From ") {
                body_line = &body_line[1..];
            }
        }
        let trimmed = trim_eol(body_line);
        prev_blank = trimmed.is_empty();
        if m.in_headers {
            if trimmed.is_empty() {
                m.in_headers = false;
                continue;
            }
            let text = String::from_utf8_lossy(trimmed).into_owned();
            if text.starts_with([' ', '\t']) {
                if let Some(last) = m.headers.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(text.trim());
                }
            } else if let Some((k, v)) = text.split_once(':') {
                m.headers
                    .push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
            m.size += body_line.len() as u64;
            continue;
        }
        m.size += body_line.len() as u64;
        if trimmed.len() > 20 {
            let lower =
                String::from_utf8_lossy(&trimmed[..trimmed.len().min(64)]).to_ascii_lowercase();
            if lower.starts_with("content-disposition: attachment") {
                m.attachment = true;
            }
        }
        if m.body.len() < BODY_CAP {
            m.body.extend_from_slice(body_line);
        }
    }
    if let Some(m) = cur.take() {
        finish(t, file, m, &mut n);
    }
    if n == 0 && lineno > 0 {
        return Err("no messages found (no line starts with `From `)".into());
    }
    if cut_lines > 0 {
        t.warnings.push(format!(
            "{cut_lines} lines longer than {} MiB were cut (only the text start is kept)",
            MAX_LINE_BYTES >> 20
        ));
    }
    Ok(n)
}

fn trim_eol(l: &[u8]) -> &[u8] {
    let mut l = l;
    while let [rest @ .., b'\n' | b'\r'] = l {
        l = rest;
    }
    l
}

fn header<'a>(m: &'a Msg, name: &str) -> Option<&'a str> {
    m.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The address part of `Name <addr>` (or the text itself).
fn addr(s: &str) -> String {
    match (s.rfind('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => s[a + 1..b].trim().to_string(),
        _ => s.trim().trim_matches('"').to_string(),
    }
}

fn addrs(s: &str) -> String {
    // Split on commas outside quotes.
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut q = false;
    for c in s.chars() {
        match c {
            '"' => {
                q = !q;
                cur.push(c)
            }
            ',' if !q => {
                if !cur.trim().is_empty() {
                    out.push(addr(&cur));
                }
                cur.clear();
            }
            c => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(addr(&cur));
    }
    out.join(", ")
}

fn finish(t: &mut Tables, file: &str, m: Msg, n: &mut u64) {
    *n += 1;
    let subject = header(&m, "subject").map(decode_2047);
    let date_raw = header(&m, "date");
    let ts = date_raw.and_then(parse_date);
    if ts.is_none() {
        t.warnings.push(format!(
            "message {} (line {}): {} Date header {:?}; stored with a null ts",
            *n,
            m.first_line,
            if date_raw.is_some() {
                "malformed"
            } else {
                "missing"
            },
            date_raw.unwrap_or("")
        ));
    }
    let message_id = header(&m, "message-id").map(|s| {
        s.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string()
    });
    let from = header(&m, "from").map(|s| addr(&decode_2047(s)));
    let to = header(&m, "to").map(|s| addrs(&decode_2047(s)));
    let ctype = header(&m, "content-type")
        .unwrap_or("text/plain")
        .to_string();
    let cte = header(&m, "content-transfer-encoding")
        .unwrap_or("")
        .to_string();
    let mut attachment = m.attachment;
    let text = body_text(&ctype, &cte, &m.body, &mut attachment);
    let key = match &message_id {
        Some(id) if !id.is_empty() => Key::new("email").s(id).done(),
        _ => Key::new("email")
            .oi(ts)
            .os(from.as_deref())
            .os(subject.as_deref())
            .done(),
    };
    t.get(&EMAILS).push(
        key,
        &[
            V::ts(ts),
            message_id.as_deref().into(),
            header(&m, "x-gm-thrid").into(),
            from.as_deref().into(),
            to.as_deref().into(),
            subject.as_deref().into(),
            header(&m, "x-gmail-labels").into(),
            V::I(m.size as i64),
            V::B(attachment),
            text.as_deref().into(),
            V::S(file),
        ],
    );
}

/// RFC 2822 date, tolerating a trailing `(comment)` and a missing weekday.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = match s.find('(') {
        Some(i) => s[..i].trim(),
        None => s.trim(),
    };
    chrono::DateTime::parse_from_rfc2822(s)
        .ok()
        .map(|d| d.timestamp_micros())
}

fn param(h: &str, name: &str) -> Option<String> {
    let lower = h.to_ascii_lowercase();
    let i = lower.find(&format!("{name}="))?;
    let rest = &h[i + name.len() + 1..];
    let v = if let Some(r) = rest.strip_prefix('"') {
        r.split('"').next()?
    } else {
        rest.split([';', ' ']).next()?
    };
    Some(v.to_string())
}

fn decode_body(cte: &str, charset: Option<&str>, raw: &[u8]) -> String {
    let bytes = match cte.trim().to_ascii_lowercase().as_str() {
        "base64" => {
            let clean: Vec<u8> = raw
                .iter()
                .copied()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            base64::engine::general_purpose::STANDARD
                .decode(&clean)
                .unwrap_or_else(|_| raw.to_vec())
        }
        "quoted-printable" => qp_decode(raw, false),
        _ => raw.to_vec(),
    };
    decode_charset(charset.unwrap_or("utf-8"), &bytes)
}

fn decode_charset(charset: &str, bytes: &[u8]) -> String {
    match encoding_rs::Encoding::for_label(charset.trim().as_bytes()) {
        Some(enc) => enc.decode(bytes).0.into_owned(),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn qp_decode(raw: &[u8], underscore_space: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    let hex = |c: u8| (c as char).to_digit(16);
    while i < raw.len() {
        let c = raw[i];
        if c == b'=' {
            if i + 2 < raw.len() + 1
                && i + 1 < raw.len()
                && (raw[i + 1] == b'\n' || raw[i + 1] == b'\r')
            {
                // Soft line break.
                i += 1;
                if raw.get(i) == Some(&b'\r') {
                    i += 1;
                }
                if raw.get(i) == Some(&b'\n') {
                    i += 1;
                }
                continue;
            }
            if i + 2 < raw.len() || i + 2 == raw.len() {
                if let (Some(h), Some(l)) = (
                    raw.get(i + 1).and_then(|c| hex(*c)),
                    raw.get(i + 2).and_then(|c| hex(*c)),
                ) {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
            }
        }
        if underscore_space && c == b'_' {
            out.push(b' ');
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?ISO-8859-1?Q?…?=`); whitespace between
/// two encoded words is dropped, as the RFC says.
pub fn decode_2047(s: &str) -> String {
    if !s.contains("=?") {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    let mut last_was_word = false;
    while let Some(i) = rest.find("=?") {
        let before = &rest[..i];
        let after = &rest[i + 2..];
        let parsed = (|| {
            let (charset, r) = after.split_once('?')?;
            let (enc, r) = r.split_once('?')?;
            let end = r.find("?=")?;
            let text = &r[..end];
            let bytes = match enc.to_ascii_uppercase().as_str() {
                "B" => base64::engine::general_purpose::STANDARD
                    .decode(text.trim())
                    .or_else(|_| {
                        base64::engine::general_purpose::STANDARD_NO_PAD
                            .decode(text.trim().trim_end_matches('='))
                    })
                    .ok()?,
                "Q" => qp_decode(text.as_bytes(), true),
                _ => return None,
            };
            // What this encoded word spans, counted on the charset as written (an RFC 2231
            // language suffix, `UTF-8*en`, is dropped only for decoding).
            let consumed = 2 + charset.len() + 1 + enc.len() + 1 + end + 2;
            let charset = charset.split('*').next().unwrap_or(charset);
            Some((decode_charset(charset, &bytes), consumed))
        })();
        match parsed {
            Some((text, consumed)) => {
                if !(last_was_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&text);
                rest = &rest[i + consumed..];
                last_was_word = true;
            }
            None => {
                out.push_str(&rest[..i + 2]);
                rest = &rest[i + 2..];
                last_was_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

fn body_text(ctype: &str, cte: &str, body: &[u8], attachment: &mut bool) -> Option<String> {
    let lower = ctype.to_ascii_lowercase();
    if lower.starts_with("multipart/") {
        let boundary = param(ctype, "boundary")?;
        let delim = format!("--{boundary}");
        let text = String::from_utf8_lossy(body);
        let mut plain = None;
        let mut html = None;
        for part in text.split(&delim).skip(1) {
            if part.starts_with("--") {
                break;
            }
            let part = part.trim_start_matches(['\r', '\n']);
            let (head, content) = match part.find("\n\n").or_else(|| part.find("\r\n\r\n")) {
                Some(i) => (&part[..i], part[i..].trim_start_matches(['\r', '\n'])),
                None => (part, ""),
            };
            let mut hs: Vec<(String, String)> = Vec::new();
            for l in head.lines() {
                if l.starts_with([' ', '\t']) {
                    if let Some(last) = hs.last_mut() {
                        last.1.push(' ');
                        last.1.push_str(l.trim());
                    }
                } else if let Some((k, v)) = l.split_once(':') {
                    hs.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            let get = |n: &str| hs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
            let pct = get("content-type").unwrap_or("text/plain");
            let disp = get("content-disposition").unwrap_or("");
            if disp.to_ascii_lowercase().starts_with("attachment")
                || param(pct, "name").is_some() && !pct.starts_with("text/")
            {
                *attachment = true;
                continue;
            }
            let pcte = get("content-transfer-encoding").unwrap_or("");
            let pl = pct.to_ascii_lowercase();
            if pl.starts_with("multipart/") {
                if let Some(t) = body_text(pct, pcte, content.as_bytes(), attachment) {
                    plain.get_or_insert(t);
                }
            } else if pl.starts_with("text/plain") && plain.is_none() {
                plain = Some(decode_body(
                    pcte,
                    param(pct, "charset").as_deref(),
                    content.as_bytes(),
                ));
            } else if pl.starts_with("text/html") && html.is_none() {
                html = Some(decode_body(
                    pcte,
                    param(pct, "charset").as_deref(),
                    content.as_bytes(),
                ));
            }
        }
        return plain.or_else(|| html.map(|h| strip_html(&h))).map(cap_text);
    }
    let text = decode_body(cte, param(ctype, "charset").as_deref(), body);
    let text = if lower.starts_with("text/html") {
        strip_html(&text)
    } else {
        text
    };
    Some(cap_text(text))
}

fn strip_html(h: &str) -> String {
    // Tags become spaces so that words of adjacent blocks stay apart.
    super::activity::strip_tags(&h.replace('<', " <"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn cap_text(s: String) -> String {
    let s = s.trim_end().to_string();
    if s.len() <= TEXT_CAP {
        return s;
    }
    let mut end = TEXT_CAP;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_decode() {
        assert_eq!(
            decode_2047("=?UTF-8?Q?Caf=C3=A9_tomorrow=3F_=E2=98=95?="),
            "Café tomorrow? ☕"
        );
        assert_eq!(
            decode_2047("=?UTF-8?B?Q2Fmw6kgdG9tb3Jyb3c/IOKYlQ==?="),
            "Café tomorrow? ☕"
        );
        assert_eq!(
            decode_2047("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?=E9?= x"),
            "aé x"
        );
        assert_eq!(decode_2047("plain"), "plain");
    }

    #[test]
    fn an_encoded_word_with_a_language_suffix_is_consumed_whole() {
        // Found by `make fuzz`: the consumed length was counted on the shortened charset and
        // sliced a string mid-character.
        assert_eq!(decode_2047("=?UTF-8*en?Q?J=C3=BCrgen?= x"), "Jürgen x");
        let hostile = "=?UTF-*\u{fffd}\u{fffd}\u{fffd}x?Q?J=C=BCrgen_\u{c6}ecker?= 840";
        let _ = decode_2047(hostile);
    }

    #[test]
    fn dates() {
        assert!(parse_date("Wed, 20 Mar 2024 07:17:24 +0100").is_some());
        assert!(parse_date("Wed, 20 Mar 2024 07:17:24 +0000 (UTC)").is_some());
        assert!(parse_date("Thu, 31 Foo 2023 25:61:00 +9999 (not a date)").is_none());
    }
}
