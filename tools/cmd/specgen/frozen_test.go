package main

// frozenDir holds the tools' frozen specs, which the tests mutate to prove
// each rule (see its README.md).
const frozenDir = "../../testdata"
