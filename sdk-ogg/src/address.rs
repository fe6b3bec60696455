//! Where a GoldenGate service is reached: the base URL, built from what the user knows (the host, the service and,
//! behind a reverse proxy, the deployment).
//!
//! Oracle writes every path as `/services/v2/...`, but the part between `/services/` and `/v2` depends on how the
//! service is reached:
//!
//! | how | base URL | [`Address`] |
//! |---|---|---|
//! | directly, on the service's own port | `https://host:port/services/v2` | [`Address::direct`] |
//! | Oracle's NGINX reverse proxy | `https://host/services/{deployment}/{service}/v2` | [`Address::proxied`] |
//! | the Service Manager through that proxy | `https://host/services/ServiceManager/v2` | [`Address::service_manager`] |
//! | OCI GoldenGate | `https://host/services/{service}/v2` | [`Address::oci`] |
//!
//! Any path prefix before `/services` (a gateway's own prefix) is kept. Every service keeps its own background
//! requests, so a request is polled on the service that started it: one client per service.

use std::borrow::Cow;
use std::fmt;

use crate::{Client, ClientBuilder, ConfigError};

/// A GoldenGate Microservices service, by the name its URLs use (`adminsrvr`, `distsrvr`, ...).
///
/// The services Oracle documents are constants; [`Microservice::named`] takes any other name.
///
/// ```
/// use sdk_ogg::Microservice;
///
/// assert_eq!(Microservice::DISTRIBUTION.path_name(), "distsrvr");
/// assert_eq!(Microservice::named("distsrvr")?, Microservice::DISTRIBUTION);
/// assert_eq!(Microservice::named("mysrvr")?.path_name(), "mysrvr");
/// assert!(Microservice::named("a/b").is_err());
/// # Ok::<(), sdk_ogg::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Microservice {
    name: Cow<'static, str>,
}

impl Microservice {
    /// The Administration Service (`adminsrvr`): extracts, replicats, credentials, and most background requests.
    pub const ADMINISTRATION: Self = Self::known("adminsrvr");
    /// The Distribution Service (`distsrvr`): distribution paths.
    pub const DISTRIBUTION: Self = Self::known("distsrvr");
    /// The Receiver Service (`recvsrvr`): receiver paths.
    pub const RECEIVER: Self = Self::known("recvsrvr");
    /// The Performance Metrics Service (`pmsrvr`).
    pub const PERFORMANCE_METRICS: Self = Self::known("pmsrvr");
    /// The Service Manager (`ServiceManager`), one per host, above the deployments.
    pub const SERVICE_MANAGER: Self = Self::known("ServiceManager");

    const fn known(name: &'static str) -> Self {
        Self {
            name: Cow::Borrowed(name),
        }
    }

    /// A service by its path name, as it appears between `/services/` (or `/services/{deployment}/`) and `/v2`.
    ///
    /// Fails with [`ConfigError::InvalidBaseUrl`] when the name is empty or is not one path segment (it contains
    /// `/`, `?`, `#`, `%`, `\`, white space or a control character, or is `.` or `..`).
    pub fn named(name: impl Into<String>) -> Result<Self, ConfigError> {
        let name = name.into();
        check_segment("service", &name).map_err(|reason| ConfigError::InvalidBaseUrl {
            url: format!("/services/{name}/v2"),
            reason,
        })?;
        Ok(Self { name: Cow::Owned(name) })
    }

    /// The name as URLs use it (`adminsrvr`).
    pub fn path_name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for Microservice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Where one GoldenGate service is reached; turns into the client's base URL (ending in `/v2`).
///
/// Each constructor takes the origin: scheme, host, port, and any path prefix in front of `/services`
/// (`https://ogg.example.com`, `https://gw.example.com/goldengate`), with or without a trailing slash. It fails
/// with a [`ConfigError::InvalidBaseUrl`] that says what is wrong: an origin that is not an `http(s)` URL, that
/// has a query, a fragment or credentials, or that already ends in `/services/...`; a deployment or service name
/// that is empty or not one path segment.
///
/// ```
/// use sdk_ogg::{Address, Microservice};
///
/// let direct = Address::direct("https://ogg.example.com:9012")?;
/// assert_eq!(direct.base_url(), "https://ogg.example.com:9012/services/v2");
///
/// let proxied = Address::proxied("https://ogg.example.com/", "EAST", Microservice::DISTRIBUTION)?;
/// assert_eq!(proxied.base_url(), "https://ogg.example.com/services/EAST/distsrvr/v2");
///
/// let manager = Address::service_manager("https://ogg.example.com")?;
/// assert_eq!(manager.base_url(), "https://ogg.example.com/services/ServiceManager/v2");
///
/// let oci = Address::oci("https://abc.deployment.goldengate.us-ashburn-1.oci.oraclecloud.com", Microservice::RECEIVER)?;
/// assert_eq!(oci.base_url(), "https://abc.deployment.goldengate.us-ashburn-1.oci.oraclecloud.com/services/recvsrvr/v2");
///
/// let error = Address::proxied("https://ogg.example.com", "EAST/WEST", Microservice::ADMINISTRATION).unwrap_err();
/// assert!(error.to_string().contains(r#"deployment name "EAST/WEST" contains '/'"#), "{error}");
/// # Ok::<(), sdk_ogg::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Address {
    origin: String,
    deployment: Option<String>,
    service: Option<Microservice>,
}

impl Address {
    /// A service on its own port (Oracle's documented form): `{origin}/services/v2`. Also the Administration
    /// Service of OCI GoldenGate and of a proxy that serves a single deployment.
    pub fn direct(origin: &str) -> Result<Self, ConfigError> {
        Ok(Self {
            origin: check_origin(origin)?,
            deployment: None,
            service: None,
        })
    }

    /// A service of deployment `deployment` behind Oracle's NGINX reverse proxy (`ReverseProxySettings`):
    /// `{origin}/services/{deployment}/{service}/v2`.
    ///
    /// The Service Manager belongs to no deployment: use [`Address::service_manager`] for it (asking for it here
    /// is an error that says so).
    pub fn proxied(origin: &str, deployment: &str, service: Microservice) -> Result<Self, ConfigError> {
        let origin = check_origin(origin)?;
        let invalid = |reason: String| ConfigError::InvalidBaseUrl {
            url: format!("{origin}/services/{deployment}/{service}/v2"),
            reason,
        };
        check_segment("deployment", deployment).map_err(invalid)?;
        if service == Microservice::SERVICE_MANAGER {
            return Err(invalid(
                "the Service Manager belongs to no deployment; use Address::service_manager (/services/ServiceManager/v2)"
                    .to_owned(),
            ));
        }
        Ok(Self {
            origin,
            deployment: Some(deployment.to_owned()),
            service: Some(service),
        })
    }

    /// The Service Manager behind Oracle's NGINX reverse proxy: `{origin}/services/ServiceManager/v2`. (Reached on
    /// its own port, it is [`Address::direct`].)
    pub fn service_manager(origin: &str) -> Result<Self, ConfigError> {
        Ok(Self {
            origin: check_origin(origin)?,
            deployment: None,
            service: Some(Microservice::SERVICE_MANAGER),
        })
    }

    /// A service of an OCI GoldenGate deployment, selected by path: `{origin}/services/{service}/v2`.
    pub fn oci(origin: &str, service: Microservice) -> Result<Self, ConfigError> {
        Ok(Self {
            origin: check_origin(origin)?,
            deployment: None,
            service: Some(service),
        })
    }

    /// The origin as given (scheme, host, port, path prefix), without a trailing slash.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The deployment, behind a reverse proxy.
    pub fn deployment(&self) -> Option<&str> {
        self.deployment.as_deref()
    }

    /// The service named in the path, if the path names one (not in the direct form).
    pub fn service(&self) -> Option<&Microservice> {
        self.service.as_ref()
    }

    /// The base URL of the service, ending in `/v2`; the operations' paths (`/requests`, ...) follow it.
    pub fn base_url(&self) -> String {
        let mut url = format!("{}/services/", self.origin);
        for segment in [
            self.deployment.as_deref(),
            self.service.as_ref().map(Microservice::path_name),
        ]
        .into_iter()
        .flatten()
        {
            url.push_str(segment);
            url.push('/');
        }
        url.push_str("v2");
        url
    }
}

impl fmt::Display for Address {
    /// The base URL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base_url())
    }
}

impl Client {
    /// Starts building a client for the service at `address`: the same builder as [`Client::builder`], with the
    /// base URL built from the address.
    ///
    /// ```no_run
    /// use sdk_ogg::{Address, Client, Microservice};
    ///
    /// # fn run() -> Result<(), sdk_ogg::Error> {
    /// let client = Client::at(Address::proxied("https://ogg.example.com", "EAST", Microservice::DISTRIBUTION)?)
    ///     .basic_auth("oggadmin", std::env::var("OGG_PASSWORD").unwrap_or_default())
    ///     .build()?;
    /// # let _ = client; Ok(())
    /// # }
    /// ```
    pub fn at(address: Address) -> ClientBuilder<Client> {
        Client::builder(address.base_url())
    }
}

/// Checks an origin and returns it without trailing slashes.
fn check_origin(raw: &str) -> Result<String, ConfigError> {
    let origin = raw.trim().trim_end_matches('/');
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        url: raw.to_owned(),
        reason: reason.to_owned(),
    };
    let url = sdk_runtime::parse_base_url(origin)?;
    let segments: Vec<&str> = url
        .path_segments()
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    let names_a_service = segments.last() == Some(&"services")
        || (segments.last() == Some(&"v2") && segments.iter().rev().take(4).any(|s| *s == "services"));
    if names_a_service {
        return Err(invalid(
            "the origin already ends in a service path (/services/.../v2); give only what comes before /services, \
             or pass the whole base URL to Client::builder",
        ));
    }
    Ok(origin.to_owned())
}

/// Checks that `name` is one path segment; the error says why not.
fn check_segment(kind: &str, name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(format!("the {kind} name is empty"));
    }
    if name == "." || name == ".." {
        return Err(format!("the {kind} name {name:?} is a relative path segment"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| matches!(c, '/' | '\\' | '?' | '#' | '%') || c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "the {kind} name {name:?} contains {c:?}; it must be one path segment"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(error: ConfigError) -> String {
        match error {
            ConfigError::InvalidBaseUrl { reason, .. } => reason,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_form_with_and_without_a_prefix() {
        let admin = Microservice::ADMINISTRATION;
        for (prefix, expected) in [("", ""), ("/gw/ogg", "/gw/ogg"), ("/gw/ogg/", "/gw/ogg")] {
            let origin = format!("https://h.example.com:8443{prefix}");
            let base = |address: Result<Address, ConfigError>| address.expect("valid").base_url();
            let root = format!("https://h.example.com:8443{expected}/services");
            assert_eq!(base(Address::direct(&origin)), format!("{root}/v2"));
            assert_eq!(
                base(Address::proxied(&origin, "EAST", admin.clone())),
                format!("{root}/EAST/adminsrvr/v2")
            );
            assert_eq!(
                base(Address::service_manager(&origin)),
                format!("{root}/ServiceManager/v2")
            );
            assert_eq!(
                base(Address::oci(&origin, Microservice::PERFORMANCE_METRICS)),
                format!("{root}/pmsrvr/v2")
            );
        }
    }

    #[test]
    fn parts_are_kept() {
        let address = Address::proxied("https://h/", "ogg_test_01", Microservice::RECEIVER).expect("valid");
        assert_eq!(address.origin(), "https://h");
        assert_eq!(address.deployment(), Some("ogg_test_01"));
        assert_eq!(address.service(), Some(&Microservice::RECEIVER));
        assert_eq!(address.to_string(), "https://h/services/ogg_test_01/recvsrvr/v2");
        let direct = Address::direct("http://127.0.0.1:11001").expect("valid");
        assert_eq!((direct.deployment(), direct.service()), (None, None));
    }

    #[test]
    fn bad_names_are_explained() {
        for (deployment, expected) in [
            ("", "the deployment name is empty"),
            ("EAST/WEST", "the deployment name \"EAST/WEST\" contains '/'"),
            ("EA ST", "contains ' '"),
            ("EAST?x", "contains '?'"),
            ("50%", "contains '%'"),
            ("..", "is a relative path segment"),
        ] {
            let error = Address::proxied("https://h", deployment, Microservice::ADMINISTRATION).expect_err(deployment);
            let shown = error.to_string();
            assert!(shown.contains(expected), "{deployment:?}: {shown}");
            assert!(shown.contains("https://h/services/"), "{shown}");
        }
        for name in ["", "a/b", "a#b", "\u{7}"] {
            assert!(Microservice::named(name).is_err(), "{name:?}");
        }
        assert_eq!(
            Microservice::named("ServiceManager").expect("valid"),
            Microservice::SERVICE_MANAGER
        );
        let manager = Address::proxied("https://h", "EAST", Microservice::SERVICE_MANAGER).expect_err("no deployment");
        assert!(reason(manager).contains("Address::service_manager"));
    }

    #[test]
    fn bad_origins_are_explained() {
        for (origin, expected) in [
            ("ogg.example.com", "not an absolute URL"),
            ("", "not an absolute URL"),
            ("ftp://h", "scheme"),
            ("https://u:p@h", "credentials"),
            ("https://h?x=1", "query"),
            ("https://h/services/v2", "already ends in a service path"),
            (
                "https://h/services/EAST/adminsrvr/v2/",
                "already ends in a service path",
            ),
            ("https://h/services", "already ends in a service path"),
        ] {
            let error = Address::direct(origin).expect_err(origin);
            assert!(reason(error).contains(expected), "{origin}");
        }
        // A gateway prefix that merely contains a segment called `services` is fine.
        assert!(Address::direct("https://h/services/gateway").is_ok());
    }

    #[test]
    fn the_client_builder_takes_the_address() {
        let client = Client::at(Address::oci("https://h.example.com", Microservice::DISTRIBUTION).expect("valid"))
            .build()
            .expect("a client");
        assert_eq!(client.baseurl, "https://h.example.com/services/distsrvr/v2");
    }
}
