//! Compliance states of an update on a client, as the site database knows them (R15).

/// A compliance state, two bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum State {
    /// Synced but not yet scanned (R15): no state reported.
    Unknown = 0,
    /// Applicable and not (effectively) installed: not deployed, deployed but not installed,
    /// installed pending a restart, or installed but not reported yet (R15).
    Required = 1,
    /// Not applicable to the client.
    NotRequired = 2,
    /// Applicable and installed.
    Installed = 3,
}

impl State {
    /// From its two-bit code.
    pub fn from_bits(b: u8) -> State {
        match b & 3 {
            0 => State::Unknown,
            1 => State::Required,
            2 => State::NotRequired,
            _ => State::Installed,
        }
    }

    /// Whether the update applies to the client (Required or Installed).
    pub fn applicable(self) -> bool {
        matches!(self, State::Required | State::Installed)
    }

    /// The trace name.
    pub fn name(self) -> &'static str {
        match self {
            State::Unknown => "unknown",
            State::Required => "required",
            State::NotRequired => "not_required",
            State::Installed => "installed",
        }
    }
}

/// What is really true of an update on a client, two bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Truth {
    /// Installed, but the client has not restarted yet: scans still find it required (R15).
    PendingRestart = 0,
    /// Applicable and not installed.
    Required = 1,
    /// Not applicable.
    NotRequired = 2,
    /// Applicable and installed.
    Installed = 3,
}

impl Truth {
    /// From its two-bit code.
    pub fn from_bits(b: u8) -> Truth {
        match b & 3 {
            0 => Truth::PendingRestart,
            1 => Truth::Required,
            2 => Truth::NotRequired,
            _ => Truth::Installed,
        }
    }

    /// What a scan finds: an install waiting for a restart is still required (R15).
    pub fn scanned(self) -> State {
        match self {
            Truth::PendingRestart | Truth::Required => State::Required,
            Truth::NotRequired => State::NotRequired,
            Truth::Installed => State::Installed,
        }
    }
}
