package lexicon

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
)

// The ConText triggers of every language, shared by every lexicon that needs scopes.
//
//go:embed scope/*.txt
var scopeFS embed.FS

// CompileWithScope compiles the files of fsys matching glob together with the scope triggers of
// every language, so that one Match call finds both findings and triggers.
func CompileWithScope(fsys fs.FS, glob string) (*Lexicon, error) {
	files := map[string]string{}
	for _, src := range []struct {
		fsys fs.FS
		glob string
	}{{fsys, glob}, {scopeFS, "scope/*.txt"}} {
		names, err := fs.Glob(src.fsys, src.glob)
		if err != nil {
			return nil, err
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("lexicon: no files match %s", src.glob)
		}
		for _, name := range names {
			b, err := fs.ReadFile(src.fsys, name)
			if err != nil {
				return nil, err
			}
			files[path.Clean(name)] = string(b)
		}
	}
	return Compile(files)
}
