//! Settings: named profiles in a TOML file, overridden by environment variables, overridden by flags.
//!
//! The file is `<config dir>/ojob/config.toml` (`~/.config/ojob/config.toml` on Linux,
//! `~/Library/Application Support/ojob/config.toml` on macOS, `%APPDATA%\ojob\config.toml` on Windows), or the
//! file `OJOB_CONFIG` names. The profile is `--profile`, else `OJOB_PROFILE`, else the file's `default_profile`,
//! else the profile named `default` when there is one. Every setting is looked up as flag, then environment
//! variable (`OJOB_ESS_URL`, ...), then profile; a setting needed and found nowhere is an error that names it and
//! every place it can be given.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::secret::{SecretError, SecretSource};

/// The whole config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The profile used when none is chosen.
    pub default_profile: Option<String>,
    /// The profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One named profile: where each service is and how to sign in.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Enterprise Scheduler.
    pub ess: Option<Credentials>,
    /// GoldenGate.
    pub ogg: Option<OggSection>,
    /// Oracle Analytics.
    pub oac: Option<OacSection>,
    /// TLS and proxy settings shared by the three.
    #[serde(default)]
    pub network: Network,
}

/// A base URL and basic-auth credentials (ESS).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// The base URL (`https://fa.example.com/ess/rest/scheduler/v1`).
    pub url: Option<String>,
    /// The user name.
    pub user: Option<String>,
    /// The environment variable holding the password.
    pub password_env: Option<String>,
    /// A file holding the password.
    pub password_file: Option<PathBuf>,
    /// A command printing the password (`pass show ess`).
    pub password_command: Option<String>,
}

/// GoldenGate: an address in one of the SDK's forms, and basic-auth credentials.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OggSection {
    /// A whole base URL (`https://ogg.example.com/services/EAST/adminsrvr/v2`).
    pub url: Option<String>,
    /// The origin of a service on its own port (`https://ogg.example.com:9012`).
    pub direct: Option<String>,
    /// The origin of Oracle's reverse proxy; needs `deployment` and `service`.
    pub proxied: Option<String>,
    /// The origin of an OCI GoldenGate deployment; needs `service`.
    pub oci: Option<String>,
    /// The origin of the reverse proxy in front of the Service Manager.
    pub service_manager: Option<String>,
    /// The deployment (`EAST`), with `proxied`.
    pub deployment: Option<String>,
    /// The microservice (`adminsrvr`, `distsrvr`, `recvsrvr`, `pmsrvr`), with `proxied` and `oci`.
    pub service: Option<String>,
    /// The user name.
    pub user: Option<String>,
    /// The environment variable holding the password.
    pub password_env: Option<String>,
    /// A file holding the password.
    pub password_file: Option<PathBuf>,
    /// A command printing the password.
    pub password_command: Option<String>,
}

/// Oracle Analytics: the base URL and where the access token comes from.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OacSection {
    /// The base URL (`https://<instance>.analytics.ocp.oraclecloud.com/api/20210901`).
    pub url: Option<String>,
    /// The environment variable holding the access token.
    pub token_env: Option<String>,
    /// A file holding the access token.
    pub token_file: Option<PathBuf>,
    /// A command printing the access token.
    pub token_command: Option<String>,
}

/// TLS and proxy settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Extra CA certificates (PEM files) to trust, besides the platform's.
    #[serde(default)]
    pub ca_certs: Vec<PathBuf>,
    /// An explicit proxy (`http://proxy.example.com:3128`); otherwise the environment's `HTTPS_PROXY` and the like.
    pub proxy: Option<String>,
    /// Accept any server certificate. Never the default; the SDK logs a warning.
    #[serde(default)]
    pub insecure: bool,
}

/// What the flags say (each `None` or empty when not given).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--profile`.
    pub profile: Option<String>,
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--url`: the chosen service's base URL.
    pub url: Option<String>,
    /// `--user`.
    pub user: Option<String>,
    /// `--password-stdin`.
    pub password_stdin: bool,
    /// `--ca-cert`.
    pub ca_certs: Vec<PathBuf>,
    /// `--proxy`.
    pub proxy: Option<String>,
    /// `--insecure`.
    pub insecure: bool,
}

/// Why the settings are not usable. Every one is bad usage (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read or parsed.
    #[error("cannot read the config file {}: {reason}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The profile asked for is not in the file.
    #[error("profile {name:?} is not in {} (profiles there: {known})", path.display())]
    NoProfile {
        /// The profile.
        name: String,
        /// The file.
        path: PathBuf,
        /// The profiles the file has.
        known: String,
    },
    /// A setting is needed and given nowhere.
    #[error("no {setting}: {where_}")]
    Missing {
        /// The setting, in words (`ESS URL`).
        setting: String,
        /// Where it can be given.
        where_: String,
    },
    /// The secret could not be obtained.
    #[error("{what}: {source}")]
    Secret {
        /// Whose secret (`ESS password for scheduler.user`).
        what: String,
        /// Why.
        source: SecretError,
    },
    /// The SDK refused the client's settings.
    #[error(transparent)]
    Client(#[from] sdk_runtime::ConfigError),
}

/// The settings in force: the file, the profile chosen in it, and the flags.
#[derive(Debug)]
pub struct Settings {
    path: PathBuf,
    profile_name: Option<String>,
    profile: Profile,
    overrides: Overrides,
}

/// The config file's path: `--config`, else `OJOB_CONFIG`, else the platform's config directory.
pub fn config_path(flag: Option<&Path>) -> PathBuf {
    if let Some(path) = flag {
        return path.to_owned();
    }
    if let Some(path) = env("OJOB_CONFIG") {
        return PathBuf::from(path);
    }
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("ojob")
        .join("config.toml")
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Settings {
    /// Reads the config file (a missing file is an empty one) and picks the profile.
    pub fn load(overrides: Overrides) -> Result<Self, ConfigError> {
        let path = config_path(overrides.config.as_deref());
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str::<ConfigFile>(&text).map_err(|e| ConfigError::File {
                path: path.clone(),
                reason: e.to_string().trim_end().to_owned(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ConfigFile::default(),
            Err(e) => {
                return Err(ConfigError::File {
                    path,
                    reason: e.to_string(),
                });
            }
        };
        let chosen = overrides.profile.clone().or_else(|| env("OJOB_PROFILE"));
        let (profile_name, profile) = match chosen {
            Some(name) => match file.profiles.get(&name) {
                Some(profile) => (Some(name), profile.clone()),
                None => {
                    let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
                    return Err(ConfigError::NoProfile {
                        name,
                        path,
                        known: if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        },
                    });
                }
            },
            None => {
                let name = file.default_profile.clone().unwrap_or_else(|| "default".to_owned());
                match file.profiles.get(&name) {
                    Some(profile) => (Some(name), profile.clone()),
                    None if file.default_profile.is_some() => {
                        return Err(ConfigError::NoProfile {
                            name,
                            path,
                            known: file.profiles.keys().cloned().collect::<Vec<_>>().join(", "),
                        });
                    }
                    None => (None, Profile::default()),
                }
            }
        };
        Ok(Self {
            path,
            profile_name,
            profile,
            overrides,
        })
    }

    /// The profile's name, when one is in force.
    pub fn profile_name(&self) -> Option<&str> {
        self.profile_name.as_deref()
    }

    /// Where a setting can be given, for the message of a missing one.
    fn places(&self, flag: Option<&str>, env_var: &str, section: &str, key: &str) -> String {
        let profile = self.profile_name.as_deref().unwrap_or("<name>");
        let mut places = Vec::new();
        if let Some(flag) = flag {
            places.push(format!("the {flag} flag"));
        }
        places.push(format!("the {env_var} environment variable"));
        places.push(format!(
            "`{key}` under [profiles.{profile}.{section}] in {}",
            self.path.display()
        ));
        format!("give it with {}", places.join(", or "))
    }

    fn pick(&self, flag: Option<&String>, env_var: &str, file: Option<&String>) -> Option<String> {
        flag.cloned().or_else(|| env(env_var)).or_else(|| file.cloned())
    }

    /// A secret: `--password-stdin`, else the environment variable, else the profile's source. None given is an
    /// error when `required`, else no credentials.
    fn secret(
        &self,
        required: bool,
        what: &str,
        env_var: &str,
        sources: (&Option<String>, &Option<PathBuf>, &Option<String>),
        section: &str,
        keys: &str,
    ) -> Result<Option<sdk_runtime::Secret>, ConfigError> {
        let source = if self.overrides.password_stdin {
            Some(SecretSource::Stdin)
        } else if env(env_var).is_some() {
            Some(SecretSource::Env(env_var.to_owned()))
        } else if let Some(name) = sources.0 {
            Some(SecretSource::Env(name.clone()))
        } else if let Some(path) = sources.1 {
            Some(SecretSource::File(path.clone()))
        } else {
            sources.2.as_ref().map(|command| SecretSource::Command(command.clone()))
        };
        match source {
            Some(source) => source.read().map(Some).map_err(|e| ConfigError::Secret {
                what: what.to_owned(),
                source: e,
            }),
            None if !required => Ok(None),
            None => {
                let profile = self.profile_name.as_deref().unwrap_or("<name>");
                Err(ConfigError::Missing {
                    setting: what.to_owned(),
                    where_: format!(
                        "give it with --password-stdin, or the {env_var} environment variable, or {keys} under [profiles.{profile}.{section}] in {}",
                        self.path.display()
                    ),
                })
            }
        }
    }

    fn network<C: sdk_runtime::ServiceClient>(
        &self,
        mut builder: sdk_runtime::ClientBuilder<C>,
    ) -> sdk_runtime::ClientBuilder<C> {
        let network = &self.profile.network;
        for path in network.ca_certs.iter().chain(&self.overrides.ca_certs) {
            builder = builder.add_root_certificate_file(path);
        }
        if let Some(proxy) = self
            .overrides
            .proxy
            .clone()
            .or_else(|| env("OJOB_PROXY"))
            .or(network.proxy.clone())
        {
            builder = builder.proxy(proxy);
        }
        if self.overrides.insecure || network.insecure {
            builder = builder.danger_accept_invalid_certificates();
        }
        builder.user_agent(concat!("ojob/", env!("CARGO_PKG_VERSION")))
    }

    /// The ESS client.
    pub fn ess_client(&self) -> Result<sdk_ess::Client, ConfigError> {
        let section = self.profile.ess.clone().unwrap_or_default();
        let url = self
            .pick(self.overrides.url.as_ref(), "OJOB_ESS_URL", section.url.as_ref())
            .ok_or_else(|| ConfigError::Missing {
                setting: "ESS URL".to_owned(),
                where_: self.places(Some("--url"), "OJOB_ESS_URL", "ess", "url"),
            })?;
        let mut builder = self.network(sdk_ess::Client::builder(url));
        if let Some(user) = self.pick(self.overrides.user.as_ref(), "OJOB_ESS_USER", section.user.as_ref()) {
            let password = self.secret(
                true,
                &format!("ESS password for user {user}"),
                "OJOB_ESS_PASSWORD",
                (&section.password_env, &section.password_file, &section.password_command),
                "ess",
                "password_env, password_file or password_command",
            )?;
            if let Some(password) = password {
                builder = builder.basic_auth(user, password);
            }
        }
        Ok(builder.build()?)
    }

    /// The GoldenGate client, at the address the settings give in one of the SDK's forms.
    pub fn ogg_client(&self) -> Result<sdk_ogg::Client, ConfigError> {
        use sdk_ogg::{Address, Microservice};
        let s = self.profile.ogg.clone().unwrap_or_default();
        let url = self.pick(self.overrides.url.as_ref(), "OJOB_OGG_URL", s.url.as_ref());
        let direct = self.pick(None, "OJOB_OGG_DIRECT", s.direct.as_ref());
        let proxied = self.pick(None, "OJOB_OGG_PROXIED", s.proxied.as_ref());
        let oci = self.pick(None, "OJOB_OGG_OCI", s.oci.as_ref());
        let manager = self.pick(None, "OJOB_OGG_SERVICE_MANAGER", s.service_manager.as_ref());
        let service = || -> Result<Microservice, ConfigError> {
            let name = self
                .pick(None, "OJOB_OGG_SERVICE", s.service.as_ref())
                .ok_or_else(|| ConfigError::Missing {
                    setting: "GoldenGate service (adminsrvr, distsrvr, recvsrvr, pmsrvr)".to_owned(),
                    where_: self.places(None, "OJOB_OGG_SERVICE", "ogg", "service"),
                })?;
            Ok(Microservice::named(name)?)
        };
        let builder = if let Some(url) = url {
            sdk_ogg::Client::builder(url)
        } else if let Some(origin) = direct {
            sdk_ogg::Client::at(Address::direct(&origin)?)
        } else if let Some(origin) = proxied {
            let deployment = self
                .pick(None, "OJOB_OGG_DEPLOYMENT", s.deployment.as_ref())
                .ok_or_else(|| ConfigError::Missing {
                    setting: "GoldenGate deployment (for a proxied address)".to_owned(),
                    where_: self.places(None, "OJOB_OGG_DEPLOYMENT", "ogg", "deployment"),
                })?;
            sdk_ogg::Client::at(Address::proxied(&origin, &deployment, service()?)?)
        } else if let Some(origin) = oci {
            sdk_ogg::Client::at(Address::oci(&origin, service()?)?)
        } else if let Some(origin) = manager {
            sdk_ogg::Client::at(Address::service_manager(&origin)?)
        } else {
            return Err(ConfigError::Missing {
                setting: "GoldenGate address".to_owned(),
                where_: self.places(
                    Some("--url"),
                    "OJOB_OGG_URL (or OJOB_OGG_DIRECT, OJOB_OGG_PROXIED, OJOB_OGG_OCI, OJOB_OGG_SERVICE_MANAGER)",
                    "ogg",
                    "url, direct, proxied (with deployment and service), oci (with service) or service_manager",
                ),
            });
        };
        let mut builder = self.network(builder);
        if let Some(user) = self.pick(self.overrides.user.as_ref(), "OJOB_OGG_USER", s.user.as_ref()) {
            let password = self.secret(
                true,
                &format!("GoldenGate password for user {user}"),
                "OJOB_OGG_PASSWORD",
                (&s.password_env, &s.password_file, &s.password_command),
                "ogg",
                "password_env, password_file or password_command",
            )?;
            if let Some(password) = password {
                builder = builder.basic_auth(user, password);
            }
        }
        Ok(builder.build()?)
    }

    /// The Oracle Analytics client. Without a token it calls without credentials (a server that asks for one
    /// answers 401: exit 7).
    pub fn oac_client(&self) -> Result<sdk_workrequests::Client, ConfigError> {
        let s = self.profile.oac.clone().unwrap_or_default();
        let url = self
            .pick(self.overrides.url.as_ref(), "OJOB_OAC_URL", s.url.as_ref())
            .ok_or_else(|| ConfigError::Missing {
                setting: "Oracle Analytics URL".to_owned(),
                where_: self.places(Some("--url"), "OJOB_OAC_URL", "oac", "url"),
            })?;
        let mut builder = self.network(sdk_workrequests::Client::builder(url));
        if let Some(token) = self.secret(
            false,
            "Oracle Analytics access token",
            "OJOB_OAC_TOKEN",
            (&s.token_env, &s.token_file, &s.token_command),
            "oac",
            "token_env, token_file or token_command",
        )? {
            builder = builder.bearer_token(token);
        }
        Ok(builder.build()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_with_every_ogg_form_parses() {
        let text = r#"
            default_profile = "prod"
            [profiles.prod.ess]
            url = "https://fa.example.com/ess/rest/scheduler/v1"
            user = "scheduler.user"
            password_command = "pass show ess"
            [profiles.prod.ogg]
            proxied = "https://ogg.example.com"
            deployment = "EAST"
            service = "adminsrvr"
            user = "oggadmin"
            password_env = "OGG_PASSWORD"
            [profiles.prod.oac]
            url = "https://oac.example.com/api/20210901"
            token_file = "/run/secrets/oac"
            [profiles.prod.network]
            ca_certs = ["/etc/pki/ca.pem"]
            proxy = "http://proxy.example.com:3128"
        "#;
        let file: ConfigFile = toml::from_str(text).expect("parses");
        let prod = &file.profiles["prod"];
        assert_eq!(prod.ogg.as_ref().and_then(|o| o.deployment.as_deref()), Some("EAST"));
        assert_eq!(prod.network.ca_certs.len(), 1);
    }

    #[test]
    fn a_misspelt_key_is_refused() {
        let error = toml::from_str::<ConfigFile>("[profiles.p.ess]\nurll = \"x\"\n").expect_err("unknown key");
        assert!(error.to_string().contains("urll"), "{error}");
    }
}
