// Package kb is the clinic's knowledge base: documents in Markdown (with front matter), plain text or
// HTML, cut into chunks along their headings, embedded (by a local embedder or an OpenAI-compatible
// one), searched by PostgreSQL full text and pgvector together, and turned into short answers that cite
// their source.
package kb

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Document is one page of the knowledge base in one language.
type Document struct {
	ID      string
	Lang    string
	Title   string
	Tags    []string
	Updated time.Time // zero when unknown
	Format  string    // markdown, text or html
	Source  string    // path within the folder it was read from
	Body    string    // Markdown-like text: "# " headings, paragraphs, "- " lists
	Hash    string    // of the file's bytes: a changed file is re-chunked, an unchanged one left alone
}

// ReadDir reads every document under root: *.md (front matter: id, title, lang, tags, updated),
// *.txt and *.html. A file without an id in front matter takes its name; without a language, the name of
// the folder it is in when that is a language code, else defaultLang. Errors name the file.
func ReadDir(fsys fs.FS, root, defaultLang string) ([]Document, error) {
	var docs []Document
	seen := map[[2]string]string{}
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		format := formatOf(p)
		if format == "" {
			return nil // images, notes and the like are not documents
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		doc, err := Parse(string(b), format, rel, defaultLang)
		if err != nil {
			return fmt.Errorf("kb: %s: %w", rel, err)
		}
		key := [2]string{doc.ID, doc.Lang}
		if prev, dup := seen[key]; dup {
			return fmt.Errorf("kb: %s: document %q in %q is already in %s", rel, doc.ID, doc.Lang, prev)
		}
		seen[key] = rel
		docs = append(docs, doc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(docs, func(a, b Document) int { return strings.Compare(a.ID+"/"+a.Lang, b.ID+"/"+b.Lang) })
	return docs, nil
}

func formatOf(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown":
		return "markdown"
	case ".txt":
		return "text"
	case ".html", ".htm":
		return "html"
	}
	return ""
}

var (
	idRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9._\-]*$`)
	langRE = regexp.MustCompile(`^[a-z]{2}$`)
)

// Parse reads one document. source is its path, used for defaults and messages.
func Parse(content, format, source, defaultLang string) (Document, error) {
	sum := sha256.Sum256([]byte(content))
	doc := Document{Format: format, Source: source, Hash: hex.EncodeToString(sum[:])}
	content = strings.ReplaceAll(content, "\r\n", "\n")
	if format == "markdown" || format == "text" {
		meta, body, err := frontMatter(content)
		if err != nil {
			return Document{}, err
		}
		if err := doc.apply(meta); err != nil {
			return Document{}, err
		}
		doc.Body = body
	} else {
		doc.Body, doc.Title = htmlToText(content)
		if m := htmlMetaLang.FindStringSubmatch(content); m != nil {
			doc.Lang = strings.ToLower(m[1])
		}
	}
	base := strings.TrimSuffix(path.Base(source), path.Ext(source))
	if doc.ID == "" {
		doc.ID = strings.ToLower(base)
	}
	if doc.Lang == "" {
		if dir := path.Base(path.Dir(source)); langRE.MatchString(dir) {
			doc.Lang = dir
		} else {
			doc.Lang = defaultLang
		}
	}
	if doc.Title == "" {
		doc.Title = firstHeading(doc.Body)
	}
	if doc.Title == "" {
		doc.Title = base
	}
	switch {
	case !idRE.MatchString(doc.ID):
		return Document{}, fmt.Errorf("id %q: use lower-case letters, digits, '.', '-' and '_'", doc.ID)
	case !langRE.MatchString(doc.Lang):
		return Document{}, fmt.Errorf("lang %q: a two-letter language code is expected", doc.Lang)
	case strings.TrimSpace(doc.Body) == "":
		return Document{}, fmt.Errorf("the document has no text")
	}
	return doc, nil
}

// frontMatter splits "---\nkey: value\n---\n" from the body. It reads the simple YAML the knowledge base
// uses: scalar values and [a, b] lists.
func frontMatter(content string) (map[string]string, string, error) {
	if !strings.HasPrefix(content, "---\n") {
		return nil, content, nil
	}
	end := strings.Index(content[4:], "\n---")
	if end < 0 {
		return nil, "", fmt.Errorf("front matter: no closing ---")
	}
	meta := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(content[4 : 4+end]))
	for line := 2; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		k, v, ok := strings.Cut(text, ":")
		if !ok {
			return nil, "", fmt.Errorf("front matter line %d: key: value expected", line)
		}
		meta[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	body := content[4+end+4:]
	return meta, strings.TrimLeft(body, "\n"), nil
}

func (d *Document) apply(meta map[string]string) error {
	d.ID = strings.ToLower(meta["id"])
	d.Lang = strings.ToLower(meta["lang"])
	d.Title = meta["title"]
	if t := strings.TrimSpace(meta["tags"]); t != "" {
		for _, tag := range strings.Split(strings.Trim(t, "[]"), ",") {
			if tag = strings.TrimSpace(tag); tag != "" {
				d.Tags = append(d.Tags, tag)
			}
		}
	}
	if u := meta["updated"]; u != "" {
		t, err := time.Parse(time.DateOnly, u)
		if err != nil {
			return fmt.Errorf("updated %q: a date like 2026-10-01 is expected", u)
		}
		d.Updated = t
	}
	return nil
}

func firstHeading(body string) string {
	for _, line := range strings.Split(body, "\n") {
		if t, ok := strings.CutPrefix(strings.TrimSpace(line), "# "); ok {
			return strings.TrimSpace(t)
		}
	}
	return ""
}

var (
	htmlMetaLang = regexp.MustCompile(`(?i)<html[^>]*\blang="?([a-z]{2})`)
	htmlTitle    = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlDrop     = regexp.MustCompile(`(?is)<(script|style|head|nav|footer)[^>]*>.*?</(script|style|head|nav|footer)>`)
	htmlHeading  = regexp.MustCompile(`(?is)<h([1-6])[^>]*>(.*?)</h[1-6]>`)
	htmlItem     = regexp.MustCompile(`(?is)<li[^>]*>`)
	htmlBlock    = regexp.MustCompile(`(?is)</?(p|div|br|ul|ol|li|tr|table|section|article)[^>]*>`)
	htmlTag      = regexp.MustCompile(`(?s)<[^>]+>`)
	blankLines   = regexp.MustCompile(`\n{3,}`)
)

// htmlToText keeps an HTML page's headings, paragraphs and list items as Markdown-like text.
func htmlToText(s string) (body, title string) {
	if m := htmlTitle.FindStringSubmatch(s); m != nil {
		title = strings.TrimSpace(html.UnescapeString(htmlTag.ReplaceAllString(m[1], "")))
	}
	s = htmlDrop.ReplaceAllString(s, "\n")
	s = htmlHeading.ReplaceAllStringFunc(s, func(h string) string {
		m := htmlHeading.FindStringSubmatch(h)
		return "\n\n" + strings.Repeat("#", int(m[1][0]-'0')) + " " + strings.TrimSpace(htmlTag.ReplaceAllString(m[2], "")) + "\n\n"
	})
	s = htmlItem.ReplaceAllString(s, "\n- ")
	s = htmlBlock.ReplaceAllString(s, "\n")
	s = html.UnescapeString(htmlTag.ReplaceAllString(s, ""))
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")), title
}
