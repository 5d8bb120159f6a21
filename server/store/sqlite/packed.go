package sqlite

import (
	"encoding/binary"
	"hash/maphash"
	"time"
)

// packedTier keeps snapshots' stored (deflated) forms in large byte chunks,
// each customer's as one record, found through a map from a hash of the
// customer's ID. Nothing in it holds a pointer the collector must follow:
// the entitlements of 100,000 customers kept as Go maps of slices made
// the collector mark hundreds of thousands of objects on every cycle,
// which cost more than the SQLite reads they saved.
//
// A record is the customer's ID, then for each snapshot its kind, scope,
// valid-until time and stored form. Records are only ever appended: a
// replaced or forgotten one is garbage until the chunks are compacted, so
// a stored form handed out stays as it was.
type packedTier struct {
	seed          maphash.Seed
	index         map[uint64]recordRef
	chunks        [][]byte
	live, garbage int // bytes of records indexed, and of records not
	limit         int // of live
}

// recordRef locates a record: chunks[chunk][off : off+size].
type recordRef struct{ chunk, off, size uint32 }

// packedChunk is a chunk's capacity; a record over a sixteenth of it (a
// customer with very many or very large snapshots) is not kept.
const packedChunk = 1 << 20

// packedIndexCost approximates what an index entry costs beyond its record.
const packedIndexCost = 32

func newPackedTier(limit int) *packedTier {
	return &packedTier{seed: maphash.MakeSeed(), index: map[uint64]recordRef{}, limit: limit}
}

func (p *packedTier) key(customer string) uint64 { return maphash.String(p.seed, customer) }

// record returns the customer's record, nil when there is none (a hash
// shared with another customer reads as none).
func (p *packedTier) record(customer string) []byte {
	ref, ok := p.index[p.key(customer)]
	if !ok {
		return nil
	}
	rec := p.chunks[ref.chunk][ref.off : ref.off+ref.size : ref.off+ref.size]
	id, rest := cut(rec)
	if string(id) != customer {
		return nil
	}
	return rest
}

// packedSnap is one snapshot of a record.
type packedSnap struct {
	kind, scope []byte
	validUntil  int64
	stored      []byte
}

// nextSnap decodes the first snapshot of what follows a record's
// customer ID.
func nextSnap(rest []byte) (s packedSnap, more []byte) {
	s.kind, rest = cut(rest)
	s.scope, rest = cut(rest)
	s.validUntil, rest = int64(binary.LittleEndian.Uint64(rest)), rest[8:]
	s.stored, rest = cut(rest)
	return s, rest
}

func (s packedSnap) is(sub snapSub) bool {
	return string(s.kind) == sub.kind && string(s.scope) == sub.scope
}

// cut splits a length-prefixed field from the front of b.
func cut(b []byte) (field, rest []byte) {
	n, w := binary.Uvarint(b)
	return b[w : w+int(n) : w+int(n)], b[w+int(n):]
}

func appendField(b, field []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(field))), field...)
}

// get returns the stored form kept for sub that holds at now.
func (p *packedTier) get(customer string, sub snapSub, now time.Time) ([]byte, time.Time, bool) {
	for rest := p.record(customer); len(rest) > 0; {
		var s packedSnap
		if s, rest = nextSnap(rest); s.is(sub) && now.UnixNano() < s.validUntil {
			return s.stored, time.Unix(0, s.validUntil), true
		}
	}
	return nil, time.Time{}, false
}

// fits reports whether a stored form of this size can be added.
func (p *packedTier) fits(customer string, size int) bool {
	return p.live+len(customer)+size+packedIndexCost+32 <= p.limit
}

// put keeps stored as the customer's snapshot for sub, replacing the one
// kept before.
func (p *packedTier) put(customer string, sub snapSub, validUntil time.Time, stored []byte) {
	rec := appendField(nil, []byte(customer))
	for rest := p.record(customer); len(rest) > 0; {
		var s packedSnap
		if s, rest = nextSnap(rest); !s.is(sub) {
			rec = appendSnap(rec, s)
		}
	}
	rec = appendSnap(rec, packedSnap{kind: []byte(sub.kind), scope: []byte(sub.scope), validUntil: validUntil.UnixNano(), stored: stored})
	p.forget(customer)
	if len(rec) > packedChunk/16 {
		return
	}
	p.index[p.key(customer)] = p.appendRecord(rec)
	p.live += len(rec) + packedIndexCost
	if p.live > p.limit {
		p.evict()
	}
	p.compactIfWasteful()
}

func appendSnap(rec []byte, s packedSnap) []byte {
	rec = appendField(appendField(rec, s.kind), s.scope)
	rec = binary.LittleEndian.AppendUint64(rec, uint64(s.validUntil))
	return appendField(rec, s.stored)
}

// appendRecord copies rec to the end of the last chunk, or of a new one.
func (p *packedTier) appendRecord(rec []byte) recordRef {
	last := len(p.chunks) - 1
	if last < 0 || len(p.chunks[last])+len(rec) > packedChunk {
		p.chunks = append(p.chunks, make([]byte, 0, packedChunk))
		last++
	}
	off := len(p.chunks[last])
	p.chunks[last] = append(p.chunks[last], rec...)
	return recordRef{chunk: uint32(last), off: uint32(off), size: uint32(len(rec))}
}

// forget drops the customer's record (or another's with the same hash:
// losing a kept answer is always safe).
func (p *packedTier) forget(customer string) {
	k := p.key(customer)
	if ref, ok := p.index[k]; ok {
		delete(p.index, k)
		p.live -= int(ref.size) + packedIndexCost
		p.garbage += int(ref.size)
	}
}

// evict drops about a quarter of the records (map order is random, so
// which is left to chance).
func (p *packedTier) evict() {
	drop := len(p.index) / 4
	for k, ref := range p.index {
		if drop == 0 {
			break
		}
		delete(p.index, k)
		p.live -= int(ref.size) + packedIndexCost
		p.garbage += int(ref.size)
		drop--
	}
}

// compactIfWasteful copies the live records into new chunks once the
// garbage outweighs them (and a few chunks).
func (p *packedTier) compactIfWasteful() {
	if p.garbage < 4*packedChunk || p.garbage < p.live {
		return
	}
	old := p.chunks
	p.chunks, p.garbage = nil, 0
	for k, ref := range p.index {
		p.index[k] = p.appendRecord(old[ref.chunk][ref.off : ref.off+ref.size])
	}
}

func (p *packedTier) reset() {
	clear(p.index)
	p.chunks, p.live, p.garbage = nil, 0, 0
}
