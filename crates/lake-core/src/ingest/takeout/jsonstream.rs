//! Streams the elements of the array under one top-level key of a large JSON document (a 1 GB
//! `Records.json`) without loading it: the calling thread cuts the bytes into element slices,
//! the workers of `ingest::parallel`'s ordered pool deserialize them, and the caller receives
//! the results in document order.

use std::io::Read;

use crate::error::ReadError;
use crate::ingest::parallel::{ordered_pool, Receive};

/// A batch of raw elements: the bytes and the end offset of each element.
struct Batch {
    first: u64,
    data: Vec<u8>,
    ends: Vec<usize>,
}

/// A parsed batch: the index of its first element, and each element parsed.
type Parsed<T> = (u64, Vec<Result<T, ReadError>>);

/// Where cutting stands between reads.
#[derive(Default)]
struct Cutter {
    depth: u32,
    in_str: bool,
    esc: bool,
    /// At depth 1: the last key seen and whether we are in the target array.
    last_key: Vec<u8>,
    key_buf: Option<Vec<u8>>,
    in_array: bool,
    done_array: bool,
    elem_start: Option<usize>,
    array_depth: u32,
}

const BATCH_BYTES: usize = 4 << 20;
/// Largest array element accepted (a location record is a few hundred bytes).
pub const MAX_ELEMENT: usize = 16 << 20;
/// Longest key remembered (the keys looked for are short).
const MAX_KEY: usize = 256;

/// Runs `parse` on every element of the array under `key` (at the top level of the document),
/// on worker threads, and hands the results in order to `consume`. Returns the number of
/// elements. Errors name the byte offset.
pub fn stream_array<T, P, C>(
    r: &mut dyn Read,
    key: &str,
    threads: usize,
    parse: P,
    mut consume: C,
) -> Result<u64, ReadError>
where
    T: Send,
    P: Fn(&[u8]) -> Result<T, ReadError> + Sync,
    C: FnMut(u64, T) -> Result<(), ReadError>,
{
    // Workers parse whole batches; the results come back in document order.
    let work = |b: Batch| {
        let mut start = 0;
        let mut out = Vec::with_capacity(b.ends.len());
        for &end in &b.ends {
            out.push(parse(&b.data[start..end]));
            start = end;
        }
        (b.first, out)
    };
    std::thread::scope(|s| {
        // This thread both cuts and consumes, so finished batches must never block the workers.
        let (mut submit, mut receive) = ordered_pool(s, threads, &work, None);
        let mut error: Option<ReadError> = None;
        let mut deliver =
            |receive: &mut Receive<Parsed<T>>, error: &mut Option<ReadError>, wait: bool| {
                while let Some((first, items)) = receive.next(wait) {
                    if error.is_some() {
                        continue;
                    }
                    for (k, it) in items.into_iter().enumerate() {
                        let idx = first + k as u64;
                        let res = it
                            .map_err(|e| format!("element {} of `{key}`: {e}", idx + 1).into())
                            .and_then(|v| consume(idx, v));
                        if let Err(e) = res {
                            *error = Some(e);
                            break;
                        }
                    }
                }
            };
        // Cut.
        let mut cut = Cutter::default();
        let mut buf: Vec<u8> = Vec::with_capacity(BATCH_BYTES + (1 << 20));
        let mut scanned = 0usize; // bytes of buf already scanned
        let mut ends: Vec<usize> = Vec::new();
        let mut base: u64 = 0; // document offset of buf[0]
        let mut count: u64 = 0;
        let mut batch_first: u64 = 0;
        let mut batch_start = 0usize;
        let mut chunk = vec![0u8; 1 << 20];
        let mut first_read = true;
        let mut result: Result<(), ReadError> = Ok(());
        'read: loop {
            let n = match r.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    result =
                        Err(format!("read error at byte {}: {e}", base + buf.len() as u64).into());
                    break;
                }
            };
            let mut data = &chunk[..n];
            if first_read {
                data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
                first_read = false;
            }
            buf.extend_from_slice(data);
            // Scan new bytes.
            let mut i = scanned;
            while i < buf.len() {
                let c = buf[i];
                if cut.in_str {
                    if !cut.esc && cut.key_buf.is_none() && c != b'"' && c != b'\\' {
                        // Jump to the next quote or backslash.
                        match memchr::memchr2(b'"', b'\\', &buf[i..]) {
                            Some(k) => {
                                i += k;
                                continue;
                            }
                            None => {
                                i = buf.len();
                                continue;
                            }
                        }
                    }
                    if cut.esc {
                        cut.esc = false;
                    } else if c == b'\\' {
                        cut.esc = true;
                    } else if c == b'"' {
                        cut.in_str = false;
                        if let Some(k) = cut.key_buf.take() {
                            cut.last_key = k;
                        }
                    } else if let Some(k) = cut.key_buf.as_mut() {
                        // Keys are compared with short names: a longer one is not one of them.
                        if k.len() < MAX_KEY {
                            k.push(c);
                        }
                    }
                    i += 1;
                    continue;
                }
                if c.is_ascii_whitespace() {
                    i += 1;
                    continue;
                }
                match c {
                    b'"' => {
                        cut.in_str = true;
                        if cut.depth == 1 {
                            cut.key_buf = Some(Vec::new());
                        }
                    }
                    b'{' | b'[' => {
                        if cut.in_array && cut.depth == cut.array_depth && cut.elem_start.is_none()
                        {
                            cut.elem_start = Some(i);
                        }
                        cut.depth += 1;
                        if c == b'['
                            && cut.depth == 2
                            && !cut.in_array
                            && !cut.done_array
                            && cut.last_key == key.as_bytes()
                        {
                            cut.in_array = true;
                            cut.array_depth = 2;
                        }
                    }
                    b'}' | b']' => {
                        if cut.depth == 0 {
                            result = Err(format!(
                                "unbalanced `{}` at byte {}",
                                c as char,
                                base + i as u64
                            )
                            .into());
                            break 'read;
                        }
                        cut.depth -= 1;
                        if cut.in_array {
                            if cut.depth == cut.array_depth {
                                if let Some(st) = cut.elem_start.take() {
                                    if ends.is_empty() {
                                        batch_start = st;
                                    }
                                    ends.push(i + 1);
                                    count += 1;
                                }
                            } else if cut.depth < cut.array_depth {
                                cut.in_array = false;
                                cut.done_array = true;
                            }
                        }
                    }
                    _ => {
                        if cut.in_array
                            && cut.depth == cut.array_depth
                            && cut.elem_start.is_none()
                            && !c.is_ascii_whitespace()
                            && c != b','
                        {
                            // A scalar element: not an object.
                            result = Err(format!(
                                "element {} of `{key}` at byte {} is not an object",
                                count + 1,
                                base + i as u64
                            )
                            .into());
                            break 'read;
                        }
                    }
                }
                i += 1;
            }
            scanned = buf.len();
            // Ship complete elements once the batch is big enough.
            if let Some(&last_end) = ends.last() {
                // (Or once much follows the last element: a long gap or a long element.)
                if last_end >= BATCH_BYTES || buf.len() - last_end > BATCH_BYTES {
                    let batch = make_batch(&buf, batch_start, &ends, batch_first);
                    batch_first = count;
                    let keep_from = last_end;
                    base += keep_from as u64;
                    buf.drain(..keep_from);
                    scanned -= keep_from;
                    if let Some(s) = cut.elem_start.as_mut() {
                        *s -= keep_from;
                    }
                    ends.clear();
                    if !submit.send(batch) {
                        break;
                    }
                    deliver(&mut receive, &mut error, false);
                    if error.is_some() {
                        break;
                    }
                }
            } else if cut.elem_start.is_none() {
                // Outside the array, or between its elements: nothing to keep.
                base += buf.len() as u64;
                buf.clear();
                scanned = 0;
            }
            if let Some(st) = cut.elem_start.filter(|&st| buf.len() - st > MAX_ELEMENT) {
                result = Err(format!(
                    "element {} of `{key}` at byte {} is larger than {} MiB, more than any \
                     element of this file holds; the file is damaged",
                    count + 1,
                    base + st as u64,
                    MAX_ELEMENT >> 20
                )
                .into());
                break 'read;
            }
        }
        if result.is_ok() && error.is_none() && !ends.is_empty() {
            let batch = make_batch(&buf, batch_start, &ends, batch_first);
            submit.send(batch);
        }
        drop(submit);
        deliver(&mut receive, &mut error, true);
        if let Some(e) = error {
            return Err(e);
        }
        result?;
        if cut.in_array || cut.depth > 0 || cut.in_str {
            return Err(format!(
                "truncated JSON: the document ends inside `{key}` at byte {} (after {count} complete elements)",
                base + buf.len() as u64
            ).into());
        }
        if !cut.done_array && count == 0 {
            return Err(format!("no `{key}` array found").into());
        }
        Ok(count)
    })
}

fn make_batch(buf: &[u8], start0: usize, ends: &[usize], first: u64) -> Batch {
    // Each element's slice runs from the previous end to its own end; the separators in front
    // are skipped by `trim_elem`.
    let last = *ends.last().unwrap_or(&start0);
    let data = buf[start0..last].to_vec();
    let mut out_ends = Vec::with_capacity(ends.len());
    for &e in ends {
        out_ends.push(e - start0);
    }
    Batch {
        first,
        data,
        ends: out_ends,
    }
}

/// Trims the separators serde_json does not accept before an element.
pub fn trim_elem(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|&c| c == b'{' || c == b'[')
        .unwrap_or(b.len());
    &b[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_in_order_across_reads() {
        let mut doc = String::from("\u{feff}{\"other\": [1, 2], \"locations\": [");
        for i in 0..50_000 {
            if i > 0 {
                doc.push_str(",\n");
            }
            doc.push_str(&format!(
                "{{\"i\": {i}, \"s\": \"a}}\\\"]{{\", \"n\": [{{\"x\": 1}}]}}"
            ));
        }
        doc.push_str("]}");
        let mut got = Vec::new();
        let n = stream_array(
            &mut doc.as_bytes(),
            "locations",
            2,
            |b| {
                let v: serde_json::Value =
                    serde_json::from_slice(trim_elem(b)).map_err(|e| e.to_string())?;
                Ok(v["i"].as_i64().unwrap())
            },
            |_, v| {
                got.push(v);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(n, 50_000);
        assert!(got.iter().enumerate().all(|(i, v)| *v == i as i64));
    }

    #[test]
    fn truncation_is_reported_with_a_position() {
        let doc = "{\"locations\": [{\"a\": 1}, {\"a\": 2}, {\"a\": ";
        let err: String = stream_array(
            &mut doc.as_bytes(),
            "locations",
            1,
            |_| Ok(()),
            |_, _| Ok(()),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("truncated JSON") && err.contains("after 2 complete"),
            "{err}"
        );
    }
}
