//! Contract tests (being written).

fn main() {
    contract_tests::run(Vec::new())
}
