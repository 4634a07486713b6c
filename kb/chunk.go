package kb

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Chunk is a piece of a document small enough to retrieve and quote: the text under one heading, or
// part of it, with the headings above it.
type Chunk struct {
	ID          int64
	DocID       string
	Lang        string
	Ordinal     int
	Title       string   // the document's title
	HeadingPath []string // the headings above the text, outermost first (without the title)
	Tags        []string // the document's tags: its keywords, whatever the language of its text
	Body        string
}

// searchTextVersion versions what SearchText puts together: embedders name it in their ID, so that a
// change re-embeds (see Store.Missing).
const searchTextVersion = 2

// SearchText is what retrieval reads: title, headings, tags and body together, so that a section
// called "Parking" is found for "where do I park" even when its text never says the word.
func (c Chunk) SearchText() string {
	var b strings.Builder
	b.WriteString(c.Title)
	for _, h := range c.HeadingPath {
		b.WriteString(" — ")
		b.WriteString(h)
	}
	b.WriteString("\n")
	if len(c.Tags) > 0 {
		b.WriteString(strings.ReplaceAll(strings.Join(c.Tags, ", "), "-", " "))
		b.WriteString("\n")
	}
	b.WriteString(c.Body)
	return b.String()
}

// MaxChunkChars bounds a chunk's body; a longer section is split between paragraphs or list items.
const MaxChunkChars = 900

var (
	mdLink     = regexp.MustCompile(`\[([^\]]+)\]\(([^)]+)\)`)
	mdEmphasis = regexp.MustCompile(`\*\*|__|\*([^*\s][^*]*)\*`)
	mdHeading  = regexp.MustCompile(`^(#{1,6})\s+(.*)$`)
)

// plain removes Markdown emphasis and turns links into "text (url)".
func plain(s string) string {
	s = mdLink.ReplaceAllString(s, "$1 ($2)")
	return mdEmphasis.ReplaceAllStringFunc(s, func(m string) string {
		if m == "**" || m == "__" {
			return ""
		}
		return strings.Trim(m, "*")
	})
}

// ChunkDocument cuts a document along its headings. Each chunk keeps the path of headings above it;
// sections over MaxChunkChars are split at blank lines or list items into parts that keep the same
// path.
func ChunkDocument(d Document) []Chunk { return ChunkDocumentMax(d, MaxChunkChars) }

// ChunkDocumentMax is ChunkDocument with another bound on a chunk's body.
func ChunkDocumentMax(d Document, maxChars int) []Chunk {
	var chunks []Chunk
	var path []string // headings below the title
	var block []string
	flush := func() {
		text := strings.TrimSpace(strings.Join(block, "\n"))
		block = block[:0]
		if text == "" {
			return
		}
		for _, part := range splitBounded(text, maxChars) {
			chunks = append(chunks, Chunk{DocID: d.ID, Lang: d.Lang, Ordinal: len(chunks), Title: d.Title,
				HeadingPath: append([]string(nil), path...), Tags: d.Tags, Body: part})
		}
	}
	for _, line := range strings.Split(d.Body, "\n") {
		m := mdHeading.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			block = append(block, plain(line))
			continue
		}
		flush()
		level, text := len(m[1]), strings.TrimSpace(plain(m[2]))
		if level == 1 {
			path = path[:0] // the title's own heading: its text is the document's title
			if d.Title == "" {
				d.Title = text
			}
			continue
		}
		depth := level - 2 // "##" is the first level below the title
		if depth > len(path) {
			depth = len(path)
		}
		path = append(path[:depth], text)
	}
	flush()
	return chunks
}

// splitBounded splits text into parts of at most max characters: at paragraph breaks if it can, else
// at line breaks (list items), sentence ends or spaces; each part is whole units joined back together.
func splitBounded(text string, max int) []string {
	if utf8.RuneCountInString(text) <= max {
		return []string{text}
	}
	for _, sep := range []string{"\n\n", "\n", ". ", " "} {
		units := strings.SplitAfter(text, sep)
		if len(units) < 2 {
			continue
		}
		var out []string
		cur := ""
		for _, u := range units {
			if cur != "" && utf8.RuneCountInString(cur)+utf8.RuneCountInString(u) > max {
				out = append(out, strings.TrimSpace(cur))
				cur = ""
			}
			cur += u
		}
		if strings.TrimSpace(cur) != "" {
			out = append(out, strings.TrimSpace(cur))
		}
		var bounded []string
		for _, o := range out {
			bounded = append(bounded, splitBounded(o, max)...)
		}
		return bounded
	}
	// One word longer than max: cut it.
	r := []rune(text)
	return append([]string{string(r[:max])}, splitBounded(string(r[max:]), max)...)
}
