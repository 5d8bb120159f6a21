package sqlconn

import (
	"strconv"
	"strings"
)

// Numbered rewrites the ? placeholders of a query as PostgreSQL numbers
// them: $1, $2, … in order. The shared SQL never holds a question mark
// other than a placeholder, in a literal or a comment; a query without
// arguments, a migration's file say, is left as it is.
func Numbered(query string, args int) string {
	if args == 0 || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 2*args)
	n := 0
	for {
		i := strings.IndexByte(query, '?')
		if i < 0 {
			b.WriteString(query)
			return b.String()
		}
		n++
		b.WriteString(query[:i])
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
		query = query[i+1:]
	}
}
