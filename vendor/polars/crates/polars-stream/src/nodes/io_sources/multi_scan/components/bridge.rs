use crate::morsel::{Morsel, MorselLinearizer};
use crate::nodes::io_sources::multi_scan::reader_interface::output::{
    FileReaderOutputRecv, RecvError,
};

#[derive(Copy, Clone)]
pub enum BridgeState {
    NotYetStarted,
    Running,
    Stopped(StopReason),
}

#[derive(Copy, Clone)]
pub enum StopReason {
    /// Disconnected from the reader side. The reader pipeline handle should be joined on in this case to
    /// determine if the readers disconnected due to an error.
    ReadersDisconnected,
    /// Disconnected from the multi scan ComputeNode.
    ComputeNodeDisconnected,
}

/// Port for the reader side.
///
/// Note: `first_morsel` is a residual from post-op initialization.
pub enum BridgeRecvPort {
    Direct {
        rx: FileReaderOutputRecv,
        first_morsel: Option<Morsel>,
    },
    /// Parallel post-apply ops will connect through this.
    Linearized { rx: MorselLinearizer },
    /// Morsels of several concurrent files, in arrival order.
    Merged {
        rx: tokio::sync::mpsc::Receiver<Morsel>,
    },
}

impl BridgeRecvPort {
    pub async fn recv(&mut self) -> Result<Morsel, RecvError> {
        use BridgeRecvPort::*;
        match self {
            Direct { rx, first_morsel } => {
                if let Some(v) = first_morsel.take() {
                    Ok(v)
                } else {
                    rx.recv().await
                }
            },
            Linearized { rx } => rx.get().await.ok_or(RecvError),
            Merged { rx } => rx.recv().await.ok_or(RecvError),
        }
    }
}
