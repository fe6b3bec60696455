//! Prints the ratios of the last `cargo bench -p sdk-benches` run as Markdown tables, from criterion's estimates.
//!
//! `cargo run --release -p sdk-benches --bin bench-report [-- <criterion dir>]`

use std::path::PathBuf;

use sdk_benches::report::{self, Estimate, SHARES, human};

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(report::criterion_dir, PathBuf::from);
    println!("criterion estimates in {}\n", dir.display());

    println!("| group | function | mean (95 % CI) | median |");
    println!("|---|---|---|---|");
    let mut groups: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    groups.sort();
    for group in groups {
        let group = group.to_string_lossy().into_owned();
        if group == "report" {
            continue;
        }
        let mut functions: Vec<_> = std::fs::read_dir(dir.join(&group))
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        functions.sort();
        for function in functions {
            let function = function.to_string_lossy().into_owned();
            if let Some(e) = report::read(&dir, &group, &function) {
                println!(
                    "| {group} | {function} | {} ({} – {}) | {} |",
                    human(e.mean),
                    human(e.mean_low),
                    human(e.mean_high),
                    human(e.median)
                );
            }
        }
    }

    println!("\n| ratio (ours / baseline) | what it compares | mean | range from the 95 % CIs | median |");
    println!("|---|---|---|---|---|");
    for report::Comparison {
        group,
        ours,
        baseline,
        meaning,
    } in report::comparisons()
    {
        let (Some(a), Some(b)) = (report::read(&dir, &group, ours), report::read(&dir, &group, baseline)) else {
            continue;
        };
        let (low, high) = bounds(a, b);
        println!(
            "| {group}: {ours} / {baseline} | {meaning} | **{:.3}** | {low:.3} – {high:.3} | {:.3} |",
            a.mean / b.mean,
            a.median / b.median
        );
    }

    println!("\n| share | what it measures | part | whole | share of the whole |");
    println!("|---|---|---|---|---|");
    for (part_group, part, whole_group, whole, meaning) in SHARES {
        let (Some(a), Some(b)) = (
            report::read(&dir, part_group, part),
            report::read(&dir, whole_group, whole),
        ) else {
            continue;
        };
        println!(
            "| {part_group}/{part} of {whole_group}/{whole} | {meaning} | {} | {} | {:.1} % |",
            human(a.mean),
            human(b.mean),
            100.0 * a.mean / b.mean
        );
    }
}

/// The ratio's range when each mean is anywhere in its confidence interval.
fn bounds(a: Estimate, b: Estimate) -> (f64, f64) {
    (a.mean_low / b.mean_high, a.mean_high / b.mean_low)
}
