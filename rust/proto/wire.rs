// SPDX-License-Identifier: GPL-2.0

//! Bounds-checked big-endian cursors over option bytes.
//!
//! Every read and write checks its bounds and reports failure as a value, so the codecs above
//! it contain no indexing that could panic on a short buffer.

/// Reads big-endian integers from a byte slice, front to back.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, tail) = self.rest.split_first_chunk::<N>()?;
        self.rest = tail;
        Some(*head)
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|[b]| b)
    }

    pub(crate) fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_be_bytes)
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_be_bytes)
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_be_bytes)
    }

    /// `N` bytes as they are: addresses and HMACs are byte strings, not integers.
    pub(crate) fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take()
    }

    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }
}

/// The output buffer was too small for the option being written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoSpace;

/// Writes big-endian integers into a byte slice, front to back.
pub(crate) struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), NoSpace> {
        let end = self.pos.checked_add(bytes.len()).ok_or(NoSpace)?;
        let dst = self.buf.get_mut(self.pos..end).ok_or(NoSpace)?;
        dst.copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }

    pub(crate) fn u8(&mut self, v: u8) -> Result<(), NoSpace> {
        self.put(&[v])
    }

    pub(crate) fn u16(&mut self, v: u16) -> Result<(), NoSpace> {
        self.put(&v.to_be_bytes())
    }

    pub(crate) fn u32(&mut self, v: u32) -> Result<(), NoSpace> {
        self.put(&v.to_be_bytes())
    }

    pub(crate) fn u64(&mut self, v: u64) -> Result<(), NoSpace> {
        self.put(&v.to_be_bytes())
    }

    pub(crate) fn bytes(&mut self, v: &[u8]) -> Result<(), NoSpace> {
        self.put(v)
    }

    pub(crate) fn written(&self) -> usize {
        self.pos
    }
}
