package ec2

import (
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"regexp"
	"strings"

	"github.com/nimbus-sim/nimbus/internal/mix"
)

// keyPair is one stored key pair. The simulation keeps no private key; the
// material EC2 would return is a deterministic placeholder.
type keyPair struct {
	id, name, account, region string
	keyType                   string // rsa, ed25519
	fingerprint               string
	created                   int64
}

type keyKey struct{ account, region, name string }

func (s *Service) keyPair(account, region, name string) (*keyPair, bool) {
	k, ok := s.keyPairs()[keyKey{account, region, name}]
	return k, ok
}

// keyPairs returns the store, made on first use.
func (s *Service) keyPairs() map[keyKey]*keyPair {
	if s.keys == nil {
		s.keys = map[keyKey]*keyPair{}
	}
	return s.keys
}

func errKeyPairNotFound(name string) error {
	return clientErr("InvalidKeyPair.NotFound", "The key pair '%s' does not exist", name)
}

// Key names are up to 255 ASCII characters
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateKeyPair.html).
var keyNameRE = regexp.MustCompile(`^[\x20-\x7e]{1,255}$`)

func validKeyName(name string) error {
	if !keyNameRE.MatchString(name) || strings.TrimSpace(name) != name {
		return clientErr("InvalidParameterValue", "Invalid value '%s' for keyName: up to 255 ASCII characters without leading or trailing spaces.", name)
	}
	return nil
}

// newKey stores a key pair; the fingerprint is derived from the material
// (an MD5 of the DER for imported RSA keys as EC2 shows it, SHA-1 style
// for created ones: here both are digests of what the simulation holds).
func (s *Service) newKey(account, region, name, keyType string, material []byte, created bool) (*keyPair, error) {
	if err := validKeyName(name); err != nil {
		return nil, err
	}
	if _, dup := s.keyPair(account, region, name); dup {
		return nil, clientErr("InvalidKeyPair.Duplicate", "The keypair '%s' already exists.", name)
	}
	var fp string
	if created {
		sum := sha1.Sum(material)
		fp = colonHex(sum[:])
	} else {
		sum := md5.Sum(material)
		fp = colonHex(sum[:])
	}
	k := &keyPair{id: s.newID("key"), name: name, account: account, region: region, keyType: keyType, fingerprint: fp, created: int64(s.env.Now())}
	s.keyPairs()[keyKey{account, region, name}] = k
	return k, nil
}

func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("%02x", x)
	}
	return strings.Join(parts, ":")
}

// placeholderMaterial is a deterministic stand-in for a private key: the
// simulation never needs a real one.
func placeholderMaterial(seed string) string {
	var buf [48]byte
	x := mix.FNV64a(seed)
	for i := 0; i < len(buf); i += 8 {
		x = mix.SplitMix64(x)
		binary.BigEndian.PutUint64(buf[i:], x)
	}
	return "-----BEGIN RSA PRIVATE KEY-----\n" + base64.StdEncoding.EncodeToString(buf[:]) + "\n(simulated: not a usable key)\n-----END RSA PRIVATE KEY-----"
}
