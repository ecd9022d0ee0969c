package iam

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/internal/strs"
	"github.com/nimbus-sim/nimbus/sim"
)

// Service is IAM and STS for every account of one simulated world. It is
// global (IAM has no regions) and, like everything driven by a sim.Env,
// must be used from one goroutine at a time.
//
// The zero Service is not usable; create one with NewService.
type Service struct {
	env *sim.Env
	// idHi and idLo are the state of the stream "iam/ids", which draws
	// the characters of IDs, keys and tokens: its PCG source's, taken on
	// first use (idTaken) and stepped by fill.
	idHi, idLo uint64
	idTaken    bool
	partition  string

	accounts map[string]*account
	keys     map[string]*accessKey     // AKIA... and ASIA... alike
	managed  map[string]*ManagedPolicy // AWS managed; nil until awsManaged
	// ids are the unique IDs handed out (users, roles, ...) and the IDs of
	// deleted access keys, never to be repeated; the IDs of live keys are
	// the keys of keys. Keys and other IDs never collide: their prefixes
	// and lengths differ.
	ids    map[string]bool
	orgRNG *rand.Rand // Organizations' IDs, drawn on first use

	// onCreate runs on every CreateAccount (see OnAccountCreated).
	onCreate []func(accountID string, created time.Time) error

	// gen advances on every change that can bear on a decision: to
	// policies, memberships or attachments (identities rebuild their
	// cached policy lists when it moves, so Authorize allocates nothing
	// in steady state), to a user's tags (its principal's
	// aws:PrincipalTag), to a trust policy, to organizations and to the
	// accounts. Check's remembered answer (allowed) holds while it stays.
	gen uint64
	// allowed is the last request Check allowed (allowedRequest).
	allowed allowedRequest

	// policies, if set, shares parsed documents with other Services
	// (SharePolicies).
	policies *PolicyCache

	// recent is the last key Authenticate accepted, with the caller's
	// copies of its texts: a World authenticates the same credentials
	// call after call, and comparing the caller's strings with the very
	// strings it passed last time is a pointer test, where a lookup
	// hashes the ID and compares the secret and the 300-byte token byte
	// by byte (the instance's copy, parsed from its metadata document).
	// removeKey forgets a removed key; everything else Authenticate
	// checks (active, expiry, role deleted) it checks on every call.
	recent recentKey
}

// recentKey is Service.recent: credentials that matched k.
type recentKey struct {
	id, secret, token string
	k                 *accessKey
}

type account struct {
	id      string
	svc     *Service  // the Service whose account this is
	created time.Time // sign-up instant (see CreatedAt)
	// Organizations: the account's organization (nil outside one), its
	// parent (root or OU) and the policies attached to the account itself.
	org         *organization
	orgID       string
	parent      *orgNode
	orgAttached []*orgPolicy
	scpCache    orgCache
	rcpCache    orgCache
	// path is aws:PrincipalOrgPaths, cached at generation pathGen.
	path      string
	pathGen   uint64
	pathValid bool
	root      *Principal
	rootKey   *accessKey
	users     map[string]*user
	groups    map[string]*group
	roles     map[string]*role
	policies  map[string]*ManagedPolicy // by ARN text
	profiles  map[string]*instanceProfile
}

// accountBlock is an account with its root user and the root's key,
// allocated together (CreateAccount).
type accountBlock struct {
	a    account
	root Principal
	key  accessKey
}

type accessKey struct {
	id, secret string
	active     bool
	// created is the virtual instant the key was made: 8 bytes, where a
	// time.Time takes 24. Only a user's keys show it (CreateDate); it
	// keeps a session's block (sessionBlock) in the 640-byte size class.
	created sim.Time
	acct    *account
	user    *user // nil for root keys and sessions
	// sess is, for temporary credentials, the role session's principal;
	// its session is sess.session.
	sess *Principal
}

// NewService returns an IAM/STS service in the "aws" partition whose keys
// and IDs are drawn from the stream "iam/ids".
func NewService(env *sim.Env) *Service {
	if env == nil {
		panic("iam: NewService with nil env")
	}
	s := &Service{
		env:       env,
		partition: "aws",
		accounts:  map[string]*account{},
		keys:      map[string]*accessKey{},
		ids:       map[string]bool{},
	}
	return s
}

// Env returns the simulation the service runs in.
func (s *Service) Env() *sim.Env { return s.env }

// CreateAccount opens an account (like signing up) and returns its root
// user's long-term access keys. accountID must be 12 digits. The account
// is created now, in virtual time, unless CreatedAt says it was opened
// earlier; the functions registered with OnAccountCreated (region.World's
// billing set-up) run before it exists, and an error from one aborts it.
func (s *Service) CreateAccount(accountID string, opts ...AccountOption) (Credentials, error) {
	if !isAccountID(accountID) {
		return Credentials{}, invalidInput("account ID %q must be exactly 12 digits", accountID)
	}
	if _, ok := s.accounts[accountID]; ok {
		return Credentials{}, alreadyExists("account %s already exists", accountID)
	}
	created, err := s.accountCreated(opts)
	if err != nil {
		return Credentials{}, err
	}
	for _, f := range s.onCreate {
		if err := f(accountID, created); err != nil {
			return Credentials{}, err
		}
	}
	// The account's tables of users, groups, roles, policies and
	// profiles are made on their first entry (put). The account, its
	// root user and the root's key live as long as each other: one
	// allocation, and one string for the key's ID and secret and the
	// root's ARN.
	blk := &accountBlock{}
	a := &blk.a
	a.id, a.svc, a.created = accountID, s, created
	var b strings.Builder
	b.Grow(keyTextLen + len("arn::iam::") + len(s.partition) + len(accountID) + len(":root"))
	s.drawKey(&b, "AKIA")
	b.WriteString("arn:")
	b.WriteString(s.partition)
	b.WriteString(":iam::")
	b.WriteString(accountID)
	b.WriteString(":root")
	text := b.String()
	a.root = &blk.root
	*a.root = Principal{
		Type:      PrincipalAccount,
		ARN:       ARN{Partition: s.partition, Service: "iam", AccountID: accountID, Resource: "root"},
		AccountID: accountID,
		UserID:    accountID,
		acct:      a,
	}
	a.root.finishText(text[keyTextLen:], "")
	s.accounts[accountID] = a
	s.gen++ // an account no request could name before
	k := &blk.key
	*k = accessKey{active: true, created: s.env.Now(), acct: a}
	s.addKey(k, text)
	a.rootKey = k
	s.emit(accountID, "CreateAccount") // no fields to build: emit checks Tracing
	return Credentials{AccessKeyID: k.id, SecretAccessKey: k.secret, Source: "StaticCredentials"}, nil
}

// SetOrganization records that accountID belongs to the organization
// orgID ("o-" followed by 10 to 32 lowercase letters or digits) without
// building one, so that its principals carry aws:PrincipalOrgID; an empty
// orgID clears it. It stands for membership the scenario does not model
// further: such an account has no root, OUs, SCPs or RCPs. Organizations
// builds real organizations, and an account in one cannot be relabeled
// here (InvalidInput).
func (s *Service) SetOrganization(accountID, orgID string) error {
	a, ok := s.accounts[accountID]
	if !ok {
		return noSuchEntity("The account %s cannot be found.", accountID)
	}
	if a.org != nil {
		return invalidInput("account %s is a member of organization %s; use Organizations to change that", accountID, a.org.id)
	}
	if orgID != "" {
		valid := strings.HasPrefix(orgID, "o-") && len(orgID) >= 12 && len(orgID) <= 34
		for _, r := range orgID[min(2, len(orgID)):] {
			valid = valid && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
		}
		if !valid {
			return invalidInput("organization ID %q must match o-[a-z0-9]{10,32}", orgID)
		}
	}
	a.orgID = orgID
	s.gen++ // its principals' aws:PrincipalOrgID
	return nil
}

// OrganizationOf returns the ID of the organization an account belongs
// to, or "" (also for an unknown account).
func (s *Service) OrganizationOf(accountID string) string {
	if a, ok := s.accounts[accountID]; ok {
		return a.orgID
	}
	return ""
}

// Accounts lists the account IDs in ascending order.
func (s *Service) Accounts() []string {
	out := make([]string, 0, len(s.accounts))
	for id := range s.accounts {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

const (
	keyAlphabet    = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" // access key IDs are base32
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	// keyDraw is keyAlphabet twice: fill takes 64 characters.
	keyDraw = keyAlphabet + keyAlphabet
)

// put stores v under k in *m, making the map on its first entry: an
// account's tables start nil, as most accounts never have a group, role,
// policy or instance profile.
func put[V any](m *map[string]V, k string, v V) {
	if *m == nil {
		*m = map[string]V{}
	}
	(*m)[k] = v
}

// fill sets every byte of dst to a character of alphabet, one draw of the
// stream "iam/ids" each. alphabet is secretAlphabet or keyDraw: 64
// characters. Both alphabets have a power-of-two length, for which
// rand.Rand's IntN(len(alphabet)) is Uint64()&(len(alphabet)-1) of its
// source, a rand.PCG, and keyDraw[x&63] is keyAlphabet[x&31]. fill steps
// that PCG's algorithm itself (pcgFill), and so gives the characters IntN
// gave and leaves the stream where IntN left it. Env.Source and Env.Rand
// seed a stream's source alike.
func (s *Service) fill(dst []byte, alphabet string) {
	if !s.idTaken {
		// A stream's draws depend on the seed and its name alone, not on
		// when it is taken. Its state is the PCG's binary form:
		// "pcg:", then the high and the low half, big-endian.
		var buf [20]byte
		b, _ := s.env.Source("iam/ids").AppendBinary(buf[:0])
		s.idHi, s.idLo = binary.BigEndian.Uint64(b[4:]), binary.BigEndian.Uint64(b[12:])
		s.idTaken = true
	}
	s.idHi, s.idLo = pcgFill(dst, alphabet, s.idHi, s.idLo)
}

// pcgFill is fill's loop, on the state (hi, lo) of the stream, which it
// returns advanced by len(dst) draws. rand.PCG's own Uint64, inlined in
// such a loop, loads and stores its state through memory on every draw,
// and indexing an alphabet of any length takes a mask and a bounds check;
// this loop keeps the state in registers and needs neither. Eight draws
// a turn, the same draws in the same order, spare seven turns of the
// loop's bookkeeping (37 instructions a character for one a turn, 31.5
// for four). Each character is stored as soon as it is drawn: a draw
// kept for a later store holds a register the next PCG step needs, and
// Go's code then spilled and reloaded state. 24.8 instructions a
// character (BenchmarkPCGFill), most of them the PCG step itself; a
// session draws 356.
func pcgFill(dst []byte, alphabet string, hi, lo uint64) (uint64, uint64) {
	alphabet = alphabet[:64] // x&63 needs no bounds check
	for len(dst) >= 8 {
		// Stepping dst itself, rather than an index into it, frees the
		// index's register.
		q := dst[:8:8] // one bounds check for the eight
		dst = dst[8:]
		var x uint64
		hi, lo, x = pcgUint64(hi, lo)
		q[0] = alphabet[x&63]
		hi, lo, x = pcgUint64(hi, lo)
		q[1] = alphabet[x&63]
		hi, lo, x = pcgUint64(hi, lo)
		q[2] = alphabet[x&63]
		hi, lo, x = pcgUint64(hi, lo)
		q[3] = alphabet[x&63]
		hi, lo, x = pcgUint64(hi, lo)
		q[4] = alphabet[x&63]
		hi, lo, x = pcgUint64(hi, lo)
		q[5] = alphabet[x&63]
		hi, lo, x = pcgUint64(hi, lo)
		q[6] = alphabet[x&63]
		hi, lo, x = pcgUint64(hi, lo)
		q[7] = alphabet[x&63]
	}
	for i := range dst {
		var x uint64
		hi, lo, x = pcgUint64(hi, lo)
		dst[i] = alphabet[x&63]
	}
	return hi, lo
}

// pcgUint64 is math/rand/v2's PCG.Uint64 on the state (hi, lo): it
// returns the next state and the draw. The constants and steps are the
// PCG's (a 128-bit LCG and the DXSM output function,
// https://github.com/imneme/pcg-cpp/blob/428802d1a5/include/pcg_random.hpp);
// TestPCGUint64 holds them to rand.PCG's draws.
func pcgUint64(hi, lo uint64) (nextHi, nextLo, x uint64) {
	const (
		mulHi    = 2549297995355413924
		mulLo    = 4865540595714422341
		incHi    = 6364136223846793005
		incLo    = 1442695040888963407
		cheapMul = 0xda942042e4dd58b5
	)
	// state = state * mul + inc
	nextHi, nextLo = bits.Mul64(lo, mulLo)
	nextHi += hi*mulLo + lo*mulHi
	nextLo, c := bits.Add64(nextLo, incLo, 0)
	nextHi, _ = bits.Add64(nextHi, incHi, c)
	// DXSM: double xorshift multiply.
	x = (nextHi ^ nextHi>>32) * cheapMul
	x = (x ^ x>>48) * (nextLo | 1)
	return nextHi, nextLo, x
}

// drawTo writes n characters drawn from alphabet (fill) to b.
func (s *Service) drawTo(b *strings.Builder, alphabet string, n int) {
	var chunk [64]byte
	for n > 0 {
		m := min(n, len(chunk))
		s.fill(chunk[:m], alphabet)
		b.Write(chunk[:m])
		n -= m
	}
}

// randString returns prefix followed by n characters drawn from alphabet.
func (s *Service) randString(prefix, alphabet string, n int) string {
	if len(prefix)+n > 64 {
		var b strings.Builder
		b.Grow(len(prefix) + n)
		b.WriteString(prefix)
		s.drawTo(&b, alphabet, n)
		return b.String()
	}
	var buf [64]byte // IDs and secrets fit: one allocation, the string's
	b := append(buf[:0], prefix...)
	b = b[:len(prefix)+n]
	s.fill(b[len(prefix):], alphabet)
	return string(b)
}

// uniqueID returns prefix plus random base32, e.g. AIDA... for users, AROA...
// for roles ("IAM identifiers": unique ID prefixes).
func (s *Service) uniqueID(prefix string, n int) string {
	for {
		id := s.randString(prefix, keyDraw, n)
		if !s.ids[id] {
			s.ids[id] = true
			return id
		}
	}
}

// An access key's text: its ID (a 4-character prefix, AKIA or ASIA, and 16
// base32 characters) followed by its 40-character secret.
const (
	keyIDLen   = 4 + 16
	keyTextLen = keyIDLen + 40
)

// drawKey writes a new access key's ID and secret to b, drawn as uniqueID
// and randString always drew them: the ID again while it repeats one
// handed out before (a live key's, or a deleted one's), then the secret.
// The ID is not yet recorded as handed out; addKey does that.
func (s *Service) drawKey(b *strings.Builder, prefix string) {
	var id [keyIDLen]byte
	copy(id[:], prefix[:4])
	for {
		s.fill(id[4:], keyDraw)
		// The conversions do not allocate.
		if s.keys[string(id[:])] == nil && !s.ids[string(id[:])] {
			break
		}
	}
	b.Write(id[:])
	s.drawTo(b, secretAlphabet, keyTextLen-keyIDLen)
}

// addKey gives k the ID and secret at the start of text (drawKey's) and
// records it. k's other fields are the caller's.
func (s *Service) addKey(k *accessKey, text string) {
	k.id, k.secret = text[:keyIDLen], text[keyIDLen:keyTextLen]
	s.keys[k.id] = k
}

// removeKey forgets a deleted key, keeping its ID among those handed out.
func (s *Service) removeKey(k *accessKey) {
	if s.recent.k == k {
		s.recent = recentKey{}
	}
	delete(s.keys, k.id)
	s.ids[k.id] = true
}

// newKey makes an active access key of account a: its ID and secret are
// one string.
func (s *Service) newKey(prefix string, a *account) *accessKey {
	var b strings.Builder
	b.Grow(keyTextLen)
	s.drawKey(&b, prefix)
	k := &accessKey{active: true, created: s.env.Now(), acct: a}
	s.addKey(k, b.String())
	return k
}

// Callers check s.env.Tracing first: building the fields (the variadic
// slice, a value boxed in each) allocates even when nothing is traced.
func (s *Service) emit(subject, kind string, fields ...sim.Field) {
	if s.env.Tracing() {
		s.env.Emit("iam/"+subject, kind, fields...)
	}
}

// Authenticate checks credentials the way AWS's signature check does and
// returns the calling principal: the key must exist and be active
// (InvalidClientTokenId), the secret must match (SignatureDoesNotMatch),
// temporary keys need their session token (InvalidClientTokenId) and must
// not have expired at the current virtual time (ExpiredToken).
func (s *Service) Authenticate(c Credentials) (*Principal, error) {
	k := s.recent.k
	if k == nil || !strs.Same(c.AccessKeyID, s.recent.id) || !strs.Same(c.SecretAccessKey, s.recent.secret) || !strs.Same(c.SessionToken, s.recent.token) {
		var err error
		if k, err = s.findKey(c); err != nil {
			return nil, err
		}
		s.recent = recentKey{id: c.AccessKeyID, secret: c.SecretAccessKey, token: c.SessionToken, k: k}
	}
	// What can change while the key stays the same: checked on every
	// call, remembered or not.
	if !k.active {
		return nil, awserr.New("InvalidClientTokenId", 403, false, "The security token included in the request is invalid.")
	}
	if k.sess == nil {
		if k.user != nil {
			return k.user.principal, nil
		}
		return k.acct.root, nil
	}
	se := k.sess.session
	if s.env.Now() >= se.expiresAt { // NowTime() is not before expires
		return nil, awserr.New("ExpiredToken", 403, false, "The security token included in the request is expired")
	}
	if se.role != nil && se.role.deleted {
		return nil, awserr.New("InvalidClientTokenId", 403, false, "The security token included in the request is invalid.")
	}
	return k.sess, nil
}

// findKey is the key whose ID, secret and session token (none for a
// long-term key) c carries, in the errors' order: an unknown or
// inactive key, a wrong secret, a wrong token. Whether it is active is
// left to Authenticate, which checks it on every call.
func (s *Service) findKey(c Credentials) (*accessKey, error) {
	k, ok := s.keys[c.AccessKeyID]
	if !ok || !k.active {
		return nil, awserr.New("InvalidClientTokenId", 403, false, "The security token included in the request is invalid.")
	}
	if c.SecretAccessKey != k.secret {
		return nil, awserr.New("SignatureDoesNotMatch", 403, false,
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	token := ""
	if k.sess != nil {
		token = k.sess.session.token
	}
	if c.SessionToken != token {
		return nil, awserr.New("InvalidClientTokenId", 403, false, "The security token included in the request is invalid.")
	}
	return k, nil
}

// iamARN builds arn:aws:iam::ACCT:kind/path/name.
func (s *Service) iamARN(acct, kind, path, name string) ARN {
	a, _ := s.iamARNText(acct, kind, path, name)
	return a
}

// iamARNText is iamARN with the ARN's text, in the same one allocation:
// the resource is the text's tail.
func (s *Service) iamARNText(acct, kind, path, name string) (ARN, string) {
	text := "arn:" + s.partition + ":iam::" + acct + ":" + kind + path + name
	return ARN{Partition: s.partition, Service: "iam", AccountID: acct, Resource: text[len(text)-len(kind)-len(path)-len(name):]}, text
}

// caller authenticates c and authorizes action on resource (an IAM
// operation acting in the caller's own account).
func (s *Service) caller(c Credentials, action string, resource ARN) (*Principal, *account, error) {
	p, err := s.Authenticate(c)
	if err != nil {
		return nil, nil, err
	}
	if p.acct == nil {
		return nil, nil, awserr.New("AccessDenied", 403, false, "%s is not authorized to perform: %s", p.display(), action)
	}
	if resource.AccountID == "" && resource.Service == "iam" {
		resource.AccountID = p.AccountID
	}
	// Check, not Authorize: the same error, without a Decision (and the
	// Request copy in it) on this frame. Every IAM call runs this inside
	// a process whose stack starts small, and a deep frame costs a stack
	// copy.
	if err := s.Check(&Request{Principal: p, Action: action, Resource: resource, ResourceAccount: p.AccountID}); err != nil {
		return nil, nil, err
	}
	return p, p.acct, nil
}

// checkPath validates an IAM path: "/" or "/a/b/" ("IAM identifiers":
// friendly names and paths).
func checkPath(path string) (string, error) {
	if path == "" {
		return "/", nil
	}
	if !strings.HasPrefix(path, "/") || !strings.HasSuffix(path, "/") || len(path) > 512 {
		return "", validationError("1 validation error detected: Value '%s' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)", path)
	}
	for _, r := range path {
		if r < 0x21 || r > 0x7e {
			return "", validationError("path %q contains a character outside \\u0021-\\u007E", path)
		}
	}
	return path, nil
}

// checkName validates a user, group, role or policy name: [\w+=,.@-]+ of
// bounded length.
func checkName(kind, name string, maxLen int) error {
	if name == "" || len(name) > maxLen {
		return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length between 1 and %d", name, kind, maxLen)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_+=,.@-", r)) {
			return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name, kind)
		}
	}
	return nil
}

func simF(k string, v any) sim.Field { return sim.F(k, v) }
