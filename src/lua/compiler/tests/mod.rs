//! Test suites of the compiler (they travel with the module).

mod bytecode_tests;
mod corpus_tests;
mod debuginfo_tests;
mod error_tests;
mod lexer_tests;
mod robustness_tests;
