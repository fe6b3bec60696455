//! One vocabulary, across the services, for "has it ended" and "did it succeed".

/// The state of a piece of asynchronous work (an ESS request state, a GoldenGate request's progress, an Analytics
/// work request status), read the same way in every SDK crate.
///
/// ```
/// use sdk_runtime::wait::Lifecycle;
///
/// /// A three-state job.
/// enum Light { Running, Done, Broken }
///
/// impl Lifecycle for Light {
///     fn is_terminal(&self) -> bool {
///         !matches!(self, Light::Running)
///     }
///     fn is_success(&self) -> bool {
///         matches!(self, Light::Done)
///     }
/// }
///
/// assert!(Light::Broken.is_terminal() && !Light::Broken.is_success());
/// assert!(!Light::Running.is_terminal());
/// ```
pub trait Lifecycle {
    /// Whether the work has ended, well or not: polling again would show nothing new. A value the SDK does not
    /// know is not terminal.
    fn is_terminal(&self) -> bool;

    /// Whether the work ended well (implies [`is_terminal`](Self::is_terminal)).
    fn is_success(&self) -> bool;
}
