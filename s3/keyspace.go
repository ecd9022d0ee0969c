package s3

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"github.com/nimbus-sim/nimbus/internal/chunks"
	"github.com/nimbus-sim/nimbus/internal/refs"
	"strings"
	"unsafe"

	"github.com/google/btree"
	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/region/storage"
	"github.com/nimbus-sim/nimbus/sim"
)

// bucket is one bucket's state. Its keys live in a B-tree ordered by the
// keys' bytes, as S3 lists them.
type bucket struct {
	name, region, partition, owner string
	// arnPrefix is "arn:<partition>:s3:::<name>/", the start of its
	// objects' ARNs (objectARNPrefix), written once.
	arnPrefix string
	created   sim.Time
	deleted   bool

	keys *btree.BTreeG[item]
	// heads maps each key of keys to its item's newest version (see
	// headIndex). Only putVersion and deleteOne change either, through
	// setHead and dropKey, which keep the two in step.
	heads    headIndex
	versions int64 // versions and delete markers, lost ones included until seen

	versioning BucketVersioningStatus

	policy          *iam.Policy // as put
	policyDoc       string
	effectivePolicy *iam.Policy // policy with public grants removed under RestrictPublicBuckets
	pab             PublicAccessBlockConfiguration
	lifecycle       *BucketLifecycleConfiguration
	lifecycleTimer  sim.Timer
	requesterPays   bool

	uploads *btree.BTreeG[*upload]
	meters  [numClasses]classMeter
	// reqKeys are the billing keys of the bucket's request charges
	// (billBucketRequest); lastReq and lastReqKey the last one used.
	reqKeys    map[reqKey]billing.UsageKey
	lastReq    reqKey
	lastReqKey billing.UsageKey
	tiering    *intState // Intelligent-Tiering tiers; nil until used
	hot        map[string]*partition
	slab       []version // where newVersion allocates
	keyBuf     chunks.Text
	pool       *regionPool // the region's storage pool
	hash       uint64      // fnv64 of the name, for replica placement
}

// item is one key: its newest version heads a chain to the oldest.
type item struct {
	key string
	v   *version
}

func itemLess(a, b item) bool { return a.key < b.key }

const (
	flagDeleteMarker = 1 << iota
	flagNull         // the version ID is "null"
	flagDropped      // removed for good; its slab slot lingers until the slab is freed
	// flagARN: the key's bytes (keyData) are the end of the object's ARN,
	// its bucket's arnPrefix just before them (see keyARN).
	flagARN
	// flagETag: flagARN, and the etagLen bytes after the key are the
	// version's synthetic ETag (keyARN).
	flagETag
	// flagRehomed: a lifecycle transition placed the version again
	// without its key (transition), so its group does not tell an
	// overwrite where the key's hash places the next version
	// (regionPool.overHash).
	flagRehomed
)

// version is one version of an object, or a delete marker. It is kept
// small: ten million size-only objects must fit in well under 2 GiB, so
// everything a size-only object does not need lives behind x.
type version struct {
	size     int64
	modified sim.Time
	seq      uint64 // identity: the version ID and synthetic ETag derive from it
	prev     *version
	x        *extra
	keyData  *byte // the key's bytes (see key)
	group    storage.GroupID
	epoch    uint32
	class    classIdx
	flags    uint8
	keyLen   uint16 // the key's length (see key)
	// accessDay is an Intelligent-Tiering object's last access, as the
	// midnight (days since 1970 UTC) its 30 and 90 days count from
	// (tiering.go). It fits in the struct's padding.
	accessDay uint32
}

// extra holds what size-only objects usually lack.
type extra struct {
	body        []byte
	etag        string // quoted; "" means the synthetic ETag
	contentType string
	meta        map[string]string
	sse         string
	partSizes   []int64  // multipart objects: the size of each part
	synth       uint64   // synthetic-body seed of a copied size-only object
	classSince  sim.Time // when a lifecycle transition moved it to its class
}

// overwrite sets v's fields to nv's, as *v = *nv does (a new field of
// version must be copied here too: TestVersionOverwrite checks every
// one). Field by field: v is in the heap, where each pointer store takes
// a write barrier while the collector marks, so the pointers an
// overwrite mostly leaves as they are (no older version, no extra, the
// key shared with v: shareKey) are stored only when they change. And nv
// was just built field by field, its small fields by narrow stores: a
// whole-struct copy, or adjacent copies of those fields, which the
// compiler merges into one wide load each, would wait for those stores
// (a store-forwarding stall), so the small fields are copied one at a
// time between the others.
func (v *version) overwrite(nv *version) {
	v.group = nv.group
	v.size = nv.size
	v.epoch = nv.epoch
	v.modified = nv.modified
	v.class = nv.class
	v.seq = nv.seq
	v.flags = nv.flags
	refs.SetPtr(&v.prev, nv.prev)
	v.keyLen = nv.keyLen
	refs.SetPtr(&v.x, nv.x)
	v.accessDay = nv.accessDay
	refs.SetPtr(&v.keyData, nv.keyData)
}

// versionSlab is how many versions newVersion allocates at once.
const versionSlab = 512

// newVersion returns a new version with v's fields. Versions come from
// per-bucket slabs, so versions written one after another (a dataset
// uploaded in key order) sit next to each other in memory and a listing
// walks them sequentially instead of chasing pointers across the heap.
// A slab is freed when none of its versions is referenced any more.
func (b *bucket) newVersion(v version) *version {
	if len(b.slab) == cap(b.slab) {
		b.slab = make([]version, 0, versionSlab)
	}
	b.slab = append(b.slab, v)
	return &b.slab[len(b.slab)-1]
}

// keyChunk is the size of the string chunks keys are copied into.
const keyChunk = 64 << 10

// internKey copies a new key into the bucket's current key chunk, so keys
// written one after another share memory (the caller's string, built
// among other short-lived allocations, would be scattered over the heap).
// A chunk is freed when none of its keys is referenced any more.
func (b *bucket) internKey(k string) string {
	return b.keyBuf.Copy(keyChunk, k)
}

// setHead makes v the newest version of its key.
func (b *bucket) setHead(v *version) { b.setHeadHashed(v, keyHash(v.key())) }

// setHeadHashed is setHead for a key whose hash (keyHash) is h, which
// putVersion's look-up has computed.
func (b *bucket) setHeadHashed(v *version, h uint64) {
	b.keys.ReplaceOrInsert(item{key: v.key(), v: v})
	b.heads.setHashed(v, h)
}

// dropKey removes key, whose versions are all gone.
func (b *bucket) dropKey(key string) {
	b.keys.Delete(item{key: key})
	b.heads.delete(key)
}

func (v *version) deleteMarker() bool { return v.flags&flagDeleteMarker != 0 }

func (v *version) contentType() string {
	if v.x != nil && v.x.contentType != "" {
		return v.x.contentType
	}
	return "binary/octet-stream" // S3's default when none is given
}

func (v *version) sse() string {
	if v.x != nil && v.x.sse != "" {
		return v.x.sse
	}
	return "AES256" // SSE-S3 is the default for every new object since 2023
}

func (v *version) meta() map[string]string {
	if v.x == nil || len(v.x.meta) == 0 {
		return nil
	}
	m := make(map[string]string, len(v.x.meta))
	for k, val := range v.x.meta {
		m[k] = val
	}
	return m
}

// etag returns the version's ETag, quoted as S3 sends it: the MD5 of the
// bytes for a single PUT, the multipart form for a completed upload, and
// an MD5-shaped value derived from the version's identity for size-only
// objects (their bytes are synthetic; hashing gigabytes of them would only
// cost time).
func (v *version) etag() string { return v.etagIn(make([]byte, etagLen)) }

// etagLen is the length of a quoted synthetic ETag.
const etagLen = 34

// etagIn is etag rendering a synthetic ETag into buf (at least etagLen
// bytes, never written again), so a response can carry it in memory it
// already allocated and a listing page can render all its ETags into one
// buffer.
func (v *version) etagIn(buf []byte) string {
	if v.x != nil && v.x.etag != "" {
		return v.x.etag
	}
	if v.flags&flagETag != 0 {
		return v.keptETag()
	}
	return v.renderETag(buf)
}

// keptETag is the synthetic ETag of a version that keeps it after its
// key (flagETag).
func (v *version) keptETag() string {
	return unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(v.keyData), int(v.keyLen))), etagLen)
}

// syntheticETag reports whether v's ETag is the one derived from its
// identity (renderETag).
func (v *version) syntheticETag() bool { return v.x == nil || v.x.etag == "" }

// renderETag writes v's synthetic ETag into buf and returns it.
//
// The four words of digits are written in line, after one bounds check:
// a PUT renders one, and two calls of a helper, each checking its own
// slice, cost as much as the digits.
func (v *version) renderETag(buf []byte) string {
	buf = buf[:etagLen]
	a, c := mix.SplitMix64(v.seq), mix.SplitMix64(v.seq^uint64(v.size)^0x9e3779b97f4a7c15)
	buf[0], buf[33] = '"', '"'
	le := binary.LittleEndian
	le.PutUint64(buf[1:9], hex8(uint32(a)))
	le.PutUint64(buf[9:17], hex8(uint32(a>>32)))
	le.PutUint64(buf[17:25], hex8(uint32(c)))
	le.PutUint64(buf[25:33], hex8(uint32(c>>32)))
	return chunks.String(buf)
}

func md5ETag(body []byte) string {
	sum := md5.Sum(body)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

func unquote(etag string) string { return strings.Trim(etag, `"`) }

// live reports whether the version's data still exists: its replica group
// has not been lost since it was written.
func (s *Service) live(b *bucket, v *version) bool {
	if v.deleteMarker() || !v.group.IsValid() {
		return true
	}
	rp := b.pool
	return rp.pool.Epoch(v.group) == v.epoch
}

// current returns the key's newest version if it is a live object (not a
// delete marker, not lost).
func (s *Service) current(b *bucket, key string) (*version, bool) {
	v, ok := b.heads.get(key)
	if !ok {
		return nil, false
	}
	if v.deleteMarker() || !s.live(b, v) {
		return nil, false
	}
	return v, true
}

func newKeyspace() *btree.BTreeG[item] { return btree.NewG(32, itemLess) }

// versionID formats a version's ID: "null", or 32 URL-safe characters
// that encode the version's sequence number with a check value, so IDs
// are opaque, stable for a seed and cheap to resolve.
func (s *Service) versionID(v *version) string {
	if v.flags&flagNull != 0 {
		return "null"
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
	check := mix.SplitMix64(v.seq ^ s.env.Seed())
	var out [32]byte
	for i := range 16 {
		out[i] = alphabet[(v.seq>>(4*i))&0xf|(check>>(4*i)&0x3)<<4]
		out[16+i] = alphabet[(check>>(4*i+32))&0x3f]
	}
	return string(out[:])
}

// parseVersionID inverts versionID; ok is false for a malformed ID.
func (s *Service) parseVersionID(id string) (seq uint64, null, ok bool) {
	if id == "null" {
		return 0, true, true
	}
	if len(id) != 32 {
		return 0, false, false
	}
	idx := func(c byte) int {
		switch {
		case c >= 'A' && c <= 'Z':
			return int(c - 'A')
		case c >= 'a' && c <= 'z':
			return int(c-'a') + 26
		case c >= '0' && c <= '9':
			return int(c-'0') + 52
		case c == '.':
			return 62
		case c == '_':
			return 63
		}
		return -1
	}
	var lowCheck uint64
	for i := range 16 {
		d := idx(id[i])
		if d < 0 {
			return 0, false, false
		}
		seq |= uint64(d&0xf) << (4 * i)
		lowCheck |= uint64(d>>4) << (4 * i)
	}
	probe := &version{seq: seq}
	if s.versionID(probe) != id {
		return 0, false, false
	}
	_ = lowCheck
	return seq, false, true
}

// findVersion returns the version of key with the given ID.
func findVersion(head *version, seq uint64, null bool) *version {
	for v := head; v != nil; v = v.prev {
		if null && v.flags&flagNull != 0 || !null && v.flags&flagNull == 0 && v.seq == seq {
			return v
		}
	}
	return nil
}

// classMeter is a bucket's storage meter for one class: one timed meter
// whose rate is the class's billable bytes, so storage is prorated by the
// second without a meter per object.
type classMeter struct {
	id    billing.MeterID
	bytes int64
}
