//! The OLE2 compound file ("CFB", MS-CFB): the container of Excel 97–2003 workbooks (`.xls`,
//! WPS `.et`), Word 97–2003 documents, and of any Office file saved with an opening password
//! (its `EncryptionInfo` and `EncryptedPackage` streams). Only reading whole streams by name is
//! needed. Every sector number read from the file is checked and every chain is bounded, so a
//! damaged file gives an error, never a panic or an endless loop.

/// A compound file held in memory.
pub struct Compound<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    mini_sector_size: usize,
    mini_cutoff: u64,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    /// The root entry's stream: where the small streams live.
    mini_stream: Vec<u8>,
    entries: Vec<Entry>,
}

/// One directory entry (storage or stream).
struct Entry {
    name: String,
    kind: u8,
    start: u32,
    size: u64,
}

pub const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const STREAM: u8 = 2;
const ROOT: u8 = 5;

const DAMAGED: &str = "复合文档结构已损坏（OLE2 compound file damaged）";

pub(super) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

pub(super) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl<'a> Compound<'a> {
    /// Open a compound file. The error is a Chinese reason.
    pub fn open(bytes: &'a [u8]) -> Result<Self, String> {
        if !bytes.starts_with(&MAGIC) || bytes.len() < 512 {
            return Err(DAMAGED.to_string());
        }
        let damaged = || DAMAGED.to_string();
        let shift = u16_at(bytes, 0x1E).ok_or_else(damaged)?;
        let mini_shift = u16_at(bytes, 0x20).ok_or_else(damaged)?;
        if !(shift == 9 || shift == 12) || mini_shift != 6 {
            return Err(damaged());
        }
        let mut file = Compound {
            bytes,
            sector_size: 1 << shift,
            mini_sector_size: 1 << mini_shift,
            mini_cutoff: u64::from(u32_at(bytes, 0x38).ok_or_else(damaged)?),
            fat: Vec::new(),
            mini_fat: Vec::new(),
            mini_stream: Vec::new(),
            entries: Vec::new(),
        };
        file.fat = file.read_fat()?;
        let first_dir = u32_at(bytes, 0x30).ok_or_else(damaged)?;
        let dir = file.chain_bytes(first_dir, None)?;
        file.entries = dir
            .chunks_exact(128)
            .map(|e| {
                let len = usize::from(u16_at(e, 64).unwrap_or(0)).min(64);
                let units: Vec<u16> = e[..len.saturating_sub(2)]
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                let size = if file.sector_size == 512 {
                    u64::from(u32_at(e, 120).unwrap_or(0))
                } else {
                    u32_at(e, 120).map_or(0, u64::from)
                        | (u32_at(e, 124).map_or(0, u64::from) << 32)
                };
                Entry {
                    name: String::from_utf16_lossy(&units),
                    kind: e[66],
                    start: u32_at(e, 116).unwrap_or(END_OF_CHAIN),
                    size,
                }
            })
            .collect();
        let root = file
            .entries
            .iter()
            .find(|e| e.kind == ROOT)
            .ok_or_else(damaged)?;
        let (root_start, root_size) = (root.start, root.size);
        file.mini_stream = file.chain_bytes(root_start, Some(root_size))?;
        let mini_fat_start = u32_at(bytes, 0x3C).ok_or_else(damaged)?;
        if mini_fat_start != END_OF_CHAIN {
            let raw = file.chain_bytes(mini_fat_start, None)?;
            file.mini_fat = raw
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
        }
        Ok(file)
    }

    /// Whether a stream of this name exists (case-insensitive, as the format says).
    pub fn has(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.kind == STREAM && e.name.eq_ignore_ascii_case(name))
    }

    /// A stream's bytes, `None` when there is no such stream.
    pub fn stream(&self, name: &str) -> Result<Option<Vec<u8>>, String> {
        let Some(entry) = self
            .entries
            .iter()
            .find(|e| e.kind == STREAM && e.name.eq_ignore_ascii_case(name))
        else {
            return Ok(None);
        };
        if entry.size < self.mini_cutoff {
            self.mini_chain_bytes(entry.start, entry.size).map(Some)
        } else {
            self.chain_bytes(entry.start, Some(entry.size)).map(Some)
        }
    }

    fn sector(&self, n: u32) -> Option<&'a [u8]> {
        let start = (n as usize).checked_add(1)?.checked_mul(self.sector_size)?;
        self.bytes.get(start..start.checked_add(self.sector_size)?)
    }

    /// The FAT: its sectors are listed in the header (109) and then in DIFAT sectors.
    fn read_fat(&self) -> Result<Vec<u32>, String> {
        let damaged = || DAMAGED.to_string();
        let fat_sectors = u32_at(self.bytes, 0x2C).ok_or_else(damaged)? as usize;
        let max_sectors = self.bytes.len() / self.sector_size;
        if fat_sectors > max_sectors {
            return Err(damaged());
        }
        let mut list: Vec<u32> = (0..109)
            .filter_map(|i| u32_at(self.bytes, 0x4C + 4 * i))
            .collect();
        let mut difat = u32_at(self.bytes, 0x44).ok_or_else(damaged)?;
        let per = self.sector_size / 4 - 1;
        let mut guard = 0;
        while difat < END_OF_CHAIN - 3 && list.len() < fat_sectors {
            guard += 1;
            let sector = self.sector(difat).ok_or_else(damaged)?;
            if guard > max_sectors {
                return Err(damaged());
            }
            list.extend((0..per).filter_map(|i| u32_at(sector, 4 * i)));
            difat = u32_at(sector, 4 * per).ok_or_else(damaged)?;
        }
        list.truncate(fat_sectors);
        let mut fat = Vec::with_capacity(fat_sectors * self.sector_size / 4);
        for n in list {
            let sector = self.sector(n).ok_or_else(damaged)?;
            fat.extend(
                sector
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
        }
        Ok(fat)
    }

    /// The bytes of a chain of sectors, cut to `size` when given.
    fn chain_bytes(&self, start: u32, size: Option<u64>) -> Result<Vec<u8>, String> {
        follow(start, size, &self.fat, self.bytes.len(), |n| self.sector(n))
    }

    /// The bytes of a small stream, read from the mini stream in 64-byte sectors.
    fn mini_chain_bytes(&self, start: u32, size: u64) -> Result<Vec<u8>, String> {
        let sector = |n: u32| {
            let at = (n as usize).checked_mul(self.mini_sector_size)?;
            self.mini_stream
                .get(at..at.checked_add(self.mini_sector_size)?)
        };
        follow(
            start,
            Some(size),
            &self.mini_fat,
            self.mini_stream.len(),
            sector,
        )
    }
}

/// Follow a chain of sectors through `table` (the FAT or the mini FAT), cut to `size` when
/// given. A chain longer than the table is a cycle, and a size beyond `available` bytes a lie:
/// both are damage, reported rather than followed.
fn follow<'b>(
    start: u32,
    size: Option<u64>,
    table: &[u32],
    available: usize,
    sector: impl Fn(u32) -> Option<&'b [u8]>,
) -> Result<Vec<u8>, String> {
    let damaged = || DAMAGED.to_string();
    if size.is_some_and(|s| s > available as u64) {
        return Err(damaged());
    }
    let mut out = Vec::new();
    let mut n = start;
    let mut steps = 0usize;
    while n != END_OF_CHAIN {
        steps += 1;
        if steps > table.len() + 1 {
            return Err(damaged());
        }
        out.extend_from_slice(sector(n).ok_or_else(damaged)?);
        if size.is_some_and(|s| out.len() as u64 >= s) {
            break;
        }
        n = *table.get(n as usize).ok_or_else(damaged)?;
    }
    if let Some(s) = size {
        if (out.len() as u64) < s {
            return Err(damaged());
        }
        out.truncate(s as usize);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_headers_are_errors() {
        assert!(Compound::open(b"not a compound file").is_err());
        let mut header = vec![0u8; 512];
        header[..8].copy_from_slice(&MAGIC);
        // Sector shift 0: refused rather than dividing by a zero sector size.
        assert!(Compound::open(&header).is_err());
        header[0x1E] = 9;
        header[0x20] = 6;
        // Claims more FAT sectors than the file has.
        header[0x2C..0x30].copy_from_slice(&1000u32.to_le_bytes());
        assert!(Compound::open(&header).is_err());
        // A directory chain pointing past the end of the file.
        header[0x2C..0x30].copy_from_slice(&0u32.to_le_bytes());
        header[0x30..0x34].copy_from_slice(&7u32.to_le_bytes());
        assert!(Compound::open(&header).is_err());
    }
}
