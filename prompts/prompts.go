// Package prompts holds the prompt templates the model paths use, as versioned files compiled into the
// binary: prompts/<task>/v<N>.md. A clinical lead changes a prompt by adding a version, never by
// editing one in place, so that every stored assessment names the exact text it was made with.
package prompts

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

//go:embed */*.md
var files embed.FS

// Prompt is one version of one task's prompt.
type Prompt struct {
	Task    string // "classifier"
	Version string // "v1"
	Text    string
}

// ID names the prompt as stored with assessments: task@version.
func (p Prompt) ID() string { return p.Task + "@" + p.Version }

var versionFile = regexp.MustCompile(`^v([0-9]+)\.md$`)

// Versions lists a task's versions, oldest first.
func Versions(task string) ([]Prompt, error) {
	entries, err := fs.ReadDir(files, task)
	if err != nil {
		return nil, fmt.Errorf("prompts: no task %q", task)
	}
	type numbered struct {
		n int
		p Prompt
	}
	var out []numbered
	for _, e := range entries {
		m := versionFile.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("prompts: %s/%s is not named vN.md", task, e.Name())
		}
		n, _ := strconv.Atoi(m[1])
		b, err := fs.ReadFile(files, path.Join(task, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, numbered{n, Prompt{Task: task, Version: "v" + m[1], Text: strings.TrimSpace(string(b))}})
	}
	slices.SortFunc(out, func(a, b numbered) int { return a.n - b.n })
	prompts := make([]Prompt, len(out))
	for i, o := range out {
		prompts[i] = o.p
	}
	if len(prompts) == 0 {
		return nil, fmt.Errorf("prompts: task %q has no versions", task)
	}
	return prompts, nil
}

// Get returns one version of a task's prompt; an empty version means the latest.
func Get(task, version string) (Prompt, error) {
	all, err := Versions(task)
	if err != nil {
		return Prompt{}, err
	}
	if version == "" {
		return all[len(all)-1], nil
	}
	for _, p := range all {
		if p.Version == version {
			return p, nil
		}
	}
	return Prompt{}, fmt.Errorf("prompts: task %q has no version %q", task, version)
}
