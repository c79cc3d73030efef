fn main() {
    std::process::exit(statbench::cli::main());
}
