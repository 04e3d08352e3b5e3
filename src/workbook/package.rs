//! The xlsx package (a zip of XML parts) as rust_xlsxwriter 0.9 writes it, opened again so that
//! two things that version cannot do are added afterwards: merged cells (`<mergeCells>` in a
//! sheet part) and a fixed document date (`docProps/core.xml`, which 0.9 stamps with the clock).
//!
//! Only what such a package uses is read: no zip64, no encryption, members stored or deflated.
//! Members that are not edited keep their compressed bytes; edited ones are stored (method 0).
//! Every member gets the same fixed time stamp, so equal input gives equal bytes.

/// One member of the package.
pub(super) struct Member {
    pub name: String,
    method: u16,
    crc: u32,
    size: u32,
    bytes: Vec<u8>,
}

fn u16_at(data: &[u8], at: usize) -> Result<u16, String> {
    data.get(at..at + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .ok_or_else(|| "zip 结构不完整".to_string())
}

fn u32_at(data: &[u8], at: usize) -> Result<u32, String> {
    data.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| "zip 结构不完整".to_string())
}

/// The members of a zip, in the order of its central directory.
pub(super) fn read(zip: &[u8]) -> Result<Vec<Member>, String> {
    const EOCD: u32 = 0x0605_4b50;
    let start = zip.len().saturating_sub(22 + 0xffff);
    let eocd = (start..=zip.len().saturating_sub(22))
        .rev()
        .find(|&i| u32_at(zip, i) == Ok(EOCD))
        .ok_or("找不到 zip 目录")?;
    let count = u16_at(zip, eocd + 10)? as usize;
    let mut at = u32_at(zip, eocd + 16)? as usize;
    let mut members = Vec::with_capacity(count);
    for _ in 0..count {
        if u32_at(zip, at)? != 0x0201_4b50 {
            return Err("zip 目录项有误".into());
        }
        let method = u16_at(zip, at + 10)?;
        let crc = u32_at(zip, at + 16)?;
        let csize = u32_at(zip, at + 20)? as usize;
        let size = u32_at(zip, at + 24)?;
        let name_len = u16_at(zip, at + 28)? as usize;
        let extra_len = u16_at(zip, at + 30)? as usize;
        let comment_len = u16_at(zip, at + 32)? as usize;
        let local = u32_at(zip, at + 42)? as usize;
        let name = zip
            .get(at + 46..at + 46 + name_len)
            .ok_or("zip 目录项有误")?;
        let name = String::from_utf8_lossy(name).into_owned();
        if u32_at(zip, local)? != 0x0403_4b50 {
            return Err(format!("zip 成员 {name} 有误"));
        }
        let data =
            local + 30 + u16_at(zip, local + 26)? as usize + u16_at(zip, local + 28)? as usize;
        let bytes = zip
            .get(data..data + csize)
            .ok_or_else(|| format!("zip 成员 {name} 不完整"))?
            .to_vec();
        members.push(Member {
            name,
            method,
            crc,
            size,
            bytes,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(members)
}

impl Member {
    /// The uncompressed content, checked against its CRC.
    pub fn data(&self) -> Result<Vec<u8>, String> {
        let data = match self.method {
            0 => self.bytes.clone(),
            8 => {
                inflate(&self.bytes).map_err(|e| format!("zip 成员 {} 无法解压：{e}", self.name))?
            }
            m => return Err(format!("zip 成员 {} 的压缩方式 {m} 不支持", self.name)),
        };
        if data.len() != self.size as usize || crc32(&data) != self.crc {
            return Err(format!("zip 成员 {} 校验失败", self.name));
        }
        Ok(data)
    }

    /// Replace the content (stored uncompressed).
    pub fn set_data(&mut self, data: Vec<u8>) {
        self.method = 0;
        self.crc = crc32(&data);
        self.size = data.len() as u32;
        self.bytes = data;
    }
}

/// Write members as a zip, every member dated 1980-01-01 00:00.
pub(super) fn write(members: &[Member]) -> Vec<u8> {
    const DOS_DATE: u16 = (1 << 5) | 1; // 1980-01-01
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for m in members {
        let offset = out.len() as u32;
        let name = m.name.as_bytes();
        let flags: u16 = if m.name.is_ascii() { 0 } else { 1 << 11 };
        let common = |buf: &mut Vec<u8>| {
            buf.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
            buf.extend_from_slice(&flags.to_le_bytes());
            buf.extend_from_slice(&m.method.to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // time 00:00
            buf.extend_from_slice(&DOS_DATE.to_le_bytes());
            buf.extend_from_slice(&m.crc.to_le_bytes());
            buf.extend_from_slice(&(m.bytes.len() as u32).to_le_bytes());
            buf.extend_from_slice(&m.size.to_le_bytes());
            buf.extend_from_slice(&(name.len() as u16).to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // extra field length
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend_from_slice(name);
        out.extend_from_slice(&m.bytes);

        directory.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        directory.extend_from_slice(&20u16.to_le_bytes()); // made by: MS-DOS, 2.0
        common(&mut directory);
        directory.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        directory.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name);
    }
    let directory_offset = out.len() as u32;
    out.extend_from_slice(&directory);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // disk numbers
    let count = members.len() as u16;
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    out.extend_from_slice(&directory_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment length
    out
}

/// CRC-32 (IEEE), as zip uses it.
pub(super) fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !data.iter().fold(!0u32, |c, &b| {
        TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    })
}

// ---------------------------------------------------------------- inflate (RFC 1951)

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    buf: u32,
    count: u32,
}

impl Bits<'_> {
    fn take(&mut self, need: u32) -> Result<u32, &'static str> {
        while self.count < need {
            let byte = *self.data.get(self.pos).ok_or("数据提前结束")?;
            self.pos += 1;
            self.buf |= u32::from(byte) << self.count;
            self.count += 8;
        }
        let value = self.buf & ((1u32 << need) - 1);
        self.buf = if need == 32 { 0 } else { self.buf >> need };
        self.count -= need;
        Ok(value)
    }
}

/// A canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Huffman {
    count: [u16; 16],
    symbol: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Result<Self, &'static str> {
        let mut count = [0u16; 16];
        for &l in lengths {
            count[l as usize] += 1;
        }
        let mut left: i32 = 1;
        for &c in &count[1..] {
            left = left * 2 - i32::from(c);
            if left < 0 {
                return Err("霍夫曼码长度有误");
            }
        }
        let mut offsets = [0u16; 16];
        for len in 1..15 {
            offsets[len + 1] = offsets[len] + count[len];
        }
        let mut symbol = vec![0u16; lengths.len()];
        for (s, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbol[offsets[l as usize] as usize] = s as u16;
                offsets[l as usize] += 1;
            }
        }
        Ok(Huffman { count, symbol })
    }

    fn decode(&self, bits: &mut Bits) -> Result<u16, &'static str> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= bits.take(1)? as i32;
            let count = i32::from(self.count[len]);
            if code - count < first {
                return self
                    .symbol
                    .get((index + code - first) as usize)
                    .copied()
                    .ok_or("霍夫曼码有误");
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err("霍夫曼码有误")
    }
}

const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

fn codes(
    bits: &mut Bits,
    out: &mut Vec<u8>,
    lengths: &Huffman,
    distances: &Huffman,
) -> Result<(), &'static str> {
    loop {
        let sym = lengths.decode(bits)? as usize;
        match sym {
            0..=255 => out.push(sym as u8),
            256 => return Ok(()),
            _ => {
                let i = sym - 257;
                let (base, extra) = LENGTH_BASE
                    .get(i)
                    .zip(LENGTH_EXTRA.get(i))
                    .ok_or("长度码有误")?;
                let len = *base as usize + bits.take(u32::from(*extra))? as usize;
                let d = distances.decode(bits)? as usize;
                let (base, extra) = DIST_BASE
                    .get(d)
                    .zip(DIST_EXTRA.get(d))
                    .ok_or("距离码有误")?;
                let dist = *base as usize + bits.take(u32::from(*extra))? as usize;
                if dist > out.len() {
                    return Err("距离超出已解压数据");
                }
                for _ in 0..len {
                    out.push(out[out.len() - dist]);
                }
            }
        }
    }
}

/// Decompress raw DEFLATE data.
pub(super) fn inflate(data: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut bits = Bits {
        data,
        pos: 0,
        buf: 0,
        count: 0,
    };
    let mut out = Vec::with_capacity(data.len() * 4);
    loop {
        let last = bits.take(1)? == 1;
        match bits.take(2)? {
            0 => {
                // Stored: skip to a byte boundary, then LEN, NLEN and the bytes.
                bits.buf = 0;
                bits.count = 0;
                let header = data.get(bits.pos..bits.pos + 4).ok_or("数据提前结束")?;
                let len = u16::from_le_bytes([header[0], header[1]]);
                let nlen = u16::from_le_bytes([header[2], header[3]]);
                if len != !nlen {
                    return Err("存储块长度有误");
                }
                bits.pos += 4;
                let block = data
                    .get(bits.pos..bits.pos + len as usize)
                    .ok_or("数据提前结束")?;
                out.extend_from_slice(block);
                bits.pos += len as usize;
            }
            1 => {
                let mut lengths = [0u8; 288];
                lengths[..144].fill(8);
                lengths[144..256].fill(9);
                lengths[256..280].fill(7);
                lengths[280..].fill(8);
                let lengths = Huffman::new(&lengths)?;
                let distances = Huffman::new(&[5u8; 30])?;
                codes(&mut bits, &mut out, &lengths, &distances)?;
            }
            2 => {
                const ORDER: [usize; 19] = [
                    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
                ];
                let nlen = bits.take(5)? as usize + 257;
                let ndist = bits.take(5)? as usize + 1;
                let ncode = bits.take(4)? as usize + 4;
                if nlen > 286 || ndist > 30 {
                    return Err("动态块长度有误");
                }
                let mut code_lengths = [0u8; 19];
                for &i in &ORDER[..ncode] {
                    code_lengths[i] = bits.take(3)? as u8;
                }
                let code = Huffman::new(&code_lengths)?;
                let mut lengths = vec![0u8; nlen + ndist];
                let mut i = 0;
                while i < nlen + ndist {
                    let sym = code.decode(&mut bits)?;
                    let (value, repeat) = match sym {
                        0..=15 => (sym as u8, 1),
                        16 => {
                            let previous = *lengths.get(i.wrapping_sub(1)).ok_or("重复码有误")?;
                            (previous, 3 + bits.take(2)? as usize)
                        }
                        17 => (0, 3 + bits.take(3)? as usize),
                        _ => (0, 11 + bits.take(7)? as usize),
                    };
                    if i + repeat > nlen + ndist {
                        return Err("码长度过多");
                    }
                    lengths[i..i + repeat].fill(value);
                    i += repeat;
                }
                if lengths[256] == 0 {
                    return Err("缺少块结束码");
                }
                let literal = Huffman::new(&lengths[..nlen])?;
                let distances = Huffman::new(&lengths[nlen..])?;
                codes(&mut bits, &mut out, &literal, &distances)?;
            }
            _ => return Err("块类型有误"),
        }
        if last {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_of_a_known_string() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn inflates_stored_and_fixed_blocks() {
        // "abc" as a stored block, and "abcabcabc" with a fixed-Huffman back reference
        // (zlib -9 output without its header).
        assert_eq!(
            inflate(&[0x01, 0x03, 0x00, 0xfc, 0xff, b'a', b'b', b'c']).unwrap(),
            b"abc"
        );
        assert_eq!(
            inflate(&[0x4b, 0x4c, 0x4a, 0x4e, 0x04, 0x23, 0x00]).unwrap(),
            b"abcabcabc"
        );
        assert!(inflate(&[0x07]).is_err());
    }

    #[test]
    fn reads_and_rewrites_a_workbook() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for r in 0..200u32 {
            sheet
                .write_string(
                    r,
                    0,
                    &format!("第{r}行 重复的文字 重复的文字"),
                    &Default::default(),
                )
                .unwrap();
        }
        let bytes = workbook.save_to_buffer().unwrap();
        let mut members = read(&bytes).unwrap();
        assert!(members.iter().any(|m| m.name == "xl/worksheets/sheet1.xml"));
        for m in &members {
            let data = m.data().unwrap();
            assert!(data.starts_with(b"<?xml"), "{}", m.name);
        }
        let strings = members
            .iter_mut()
            .find(|m| m.name == "xl/sharedStrings.xml")
            .unwrap();
        let text = String::from_utf8(strings.data().unwrap()).unwrap();
        assert!(text.contains("第199行"));
        strings.set_data(text.replace("第199行", "末行").into_bytes());
        let again = read(&write(&members)).unwrap();
        assert_eq!(again.len(), members.len());
        let text = String::from_utf8(
            again
                .iter()
                .find(|m| m.name == "xl/sharedStrings.xml")
                .unwrap()
                .data()
                .unwrap(),
        )
        .unwrap();
        assert!(text.contains("末行") && !text.contains("第199行"));
    }
}
