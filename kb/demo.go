package kb

import "embed"

// Demo is the demo clinic's knowledge base (Riverside Family Health), one folder per language: what
// `make run` loads and what `triagectl eval faq` measures when no other folder is given.
//
//go:embed demo
var Demo embed.FS
