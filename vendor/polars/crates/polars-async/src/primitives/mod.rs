pub mod connector;
pub mod distributor_channel;
pub mod linearizer;
pub mod oneshot_channel;
pub mod opt_spawned_future;
pub mod task_parker;
pub mod wait_group;
