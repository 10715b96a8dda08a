package vehreports

import (
	"unicode/utf16"
	"unicode/utf8"
)

// scanner reads a JSON value that a jsontext.Decoder has already checked (ReadValue), member by
// member, without checking its syntax again: the payload decoders below read a payload's own
// copy of its bytes with it, in the pass that also takes the payload's Data. It never panics on
// malformed input: a value it cannot read ends the scan (at reads as 0) and decodes as
// nothing.
//
// s holds the same bytes as b, as a string: a string without escapes decodes to a substring of
// s, so a payload's strings share one copy of its bytes rather than taking one each.
//
// saved and stop are the decoding state of the object being read, as encoding/json's
// decodeState keeps it for one call of Unmarshal: saved is the first error of a plain field,
// reported once the object is read; stop is an error of a field's own method, which ends the
// decoding.
type scanner struct {
	b     []byte
	s     string
	i     int
	saved error
	stop  error
}

// newScanner returns a scanner of b, which must not change while it is read.
func newScanner(b []byte) *scanner {
	return &scanner{b: b, s: string(b)}
}

// peek skips whitespace and returns the first byte of the next value, or 0 at the end.
func (sc *scanner) peek() byte {
	for sc.i < len(sc.b) {
		switch c := sc.b[sc.i]; c {
		case ' ', '\t', '\r', '\n':
			sc.i++
		default:
			return c
		}
	}
	return 0
}

// fail ends the scan: the input was not the JSON it was promised to be.
func (sc *scanner) fail() { sc.i = len(sc.b) }

// more is for reading an array or an object whose opening bracket has been consumed: it skips
// a comma and reports whether another element or member follows, or consumes the closing
// bracket and reports false.
func (sc *scanner) more(end byte) bool {
	switch sc.peek() {
	case ',':
		sc.i++
		return sc.peek() != 0
	case end:
		sc.i++
		return false
	case 0:
		return false
	}
	return true
}

// name reads a member name and its colon: the name as sent, unescaped.
func (sc *scanner) name() string {
	if sc.peek() != '"' {
		sc.fail()
		return ""
	}
	name := sc.quoted()
	if sc.peek() != ':' {
		sc.fail()
		return ""
	}
	sc.i++
	return name
}

// quoted reads a string, at sc.i, and returns its contents, unescaped as encoding/json unescapes
// them (an invalid surrogate or byte becomes U+FFFD).
func (sc *scanner) quoted() string {
	start := sc.i + 1
	plain := true
	for i := start; i < len(sc.b); i++ {
		switch c := sc.b[i]; {
		case c == '"':
			sc.i = i + 1
			if plain {
				return sc.s[start:i]
			}
			return unquote(sc.b[start:i])
		case c == '\\':
			plain = false
			i++ // the escaped byte; \u's digits are ordinary bytes
		case c >= utf8.RuneSelf:
			if plain {
				// Checked once for the rest of the string.
				end := i
				for end < len(sc.b) && sc.b[end] != '"' && sc.b[end] != '\\' {
					end++
				}
				plain = utf8.Valid(sc.b[i:end])
				i = end - 1
			}
		}
	}
	sc.fail()
	return ""
}

// skip reads past the next value.
func (sc *scanner) skip() {
	switch sc.peek() {
	case '"':
		sc.skipString()
	case '{', '[':
		depth := 0
		for sc.i < len(sc.b) {
			switch sc.b[sc.i] {
			case '"':
				sc.skipString()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					sc.i++
					return
				}
			}
			sc.i++
		}
	case 0:
	default:
		sc.literal()
	}
}

// skipString reads past the string at sc.i.
func (sc *scanner) skipString() {
	for i := sc.i + 1; i < len(sc.b); i++ {
		switch sc.b[i] {
		case '"':
			sc.i = i + 1
			return
		case '\\':
			i++
		}
	}
	sc.fail()
}

// literal reads a number, true, false or null, at sc.i, and returns its text.
func (sc *scanner) literal() string {
	start := sc.i
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ',', '}', ']', ':', ' ', '\t', '\r', '\n':
			if sc.i == start {
				sc.fail() // not a value: cannot happen after ReadValue
				return ""
			}
			return sc.s[start:sc.i]
		}
		sc.i++
	}
	return sc.s[start:sc.i]
}

// rawBytes reads the next value and returns its bytes, as sent.
func (sc *scanner) rawBytes() []byte {
	sc.peek()
	start := sc.i
	sc.skip()
	return sc.b[start:sc.i]
}

// rawText is rawBytes as a string, sharing s.
func (sc *scanner) rawText() string {
	sc.peek()
	start := sc.i
	sc.skip()
	return sc.s[start:sc.i]
}

// unquote returns the contents of a JSON string, between its quotes, as encoding/json decodes
// them: escapes replaced, a surrogate escape that is not half of a valid pair and an invalid
// UTF-8 byte each becoming U+FFFD.
func unquote(b []byte) string {
	out := make([]byte, 0, len(b)+2*utf8.UTFMax)
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\\' && i+1 < len(b):
			i += 2
			switch b[i-1] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := hex4(b[i:])
				if r < 0 {
					return string(out) // not JSON: cannot happen after ReadValue
				}
				i += 4
				if utf16.IsSurrogate(r) {
					if i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
						if r2 := hex4(b[i+2:]); r2 >= 0 {
							if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
								out = utf8.AppendRune(out, dec)
								i += 6
								continue
							}
						}
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
			default: // '"', '\\', '/'
				out = append(out, b[i-1])
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			i += size
			out = utf8.AppendRune(out, r)
		}
	}
	return string(out)
}

// hex4 reads the four hex digits of a \u escape, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
