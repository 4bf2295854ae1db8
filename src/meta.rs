//! The `meta` block every JSON output starts with: which journeymap, which command, which
//! inputs, the options in force, and notes the reader should know.

use serde::Serialize;

use crate::settings::OptionsInForce;

/// The `meta` block of every JSON output (docs/json.md).
#[derive(Clone, Debug, Serialize)]
pub struct Meta {
    pub journeymap: &'static str,
    pub command: &'static str,
    pub inputs: Vec<String>,
    pub options: OptionsInForce,
    pub events: u64,
    pub journeys: u64,
    /// The command's own options (e.g. --top), where it has any.
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub command_options: serde_json::Value,
    /// Things the reader should know (e.g. a readable default applied to a drawing).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A file the run reads, which `-o` must not replace.
#[derive(Clone, Copy, Debug)]
pub struct ReadFile<'a> {
    pub path: &'a str,
    /// What it is to the run, for messages: `input`, `config file`, `checks file`, ...
    pub role: &'static str,
}

impl Meta {
    /// The files this run read: its inputs and its config file.
    pub fn read_files(&self) -> Vec<ReadFile<'_>> {
        let inputs = self.inputs.iter().map(|path| ReadFile {
            path,
            role: "input",
        });
        let config = self.options.config.iter().map(|path| ReadFile {
            path,
            role: "config file",
        });
        inputs.chain(config).collect()
    }

    /// The command's own options, as they appear in JSON (a struct that serializes to an
    /// object, in the order its fields are declared).
    pub fn with_options(mut self, options: impl Serialize) -> Meta {
        // A struct of plain fields always serializes; no input reaches this.
        self.command_options =
            serde_json::to_value(options).expect("command options serialize to an object");
        self
    }
}
