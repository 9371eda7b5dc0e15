"""Document loading as it was before the speed work of perf-load (commit edc661e).

A frozen copy of the parsers (markdown, HTML), the sentence splitter and `build_sentences`, using
the live data classes (Block, Link, Sentence, Document) so that their results compare with `==`.
The tests in test_load_identity.py require the optimised code to build exactly what this code
builds. Do not edit these modules to follow changes in auditor/document: they are the reference.
"""
