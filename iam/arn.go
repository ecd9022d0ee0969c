package iam

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
	"unsafe"
)

// ARN is an Amazon Resource Name, arn:partition:service:region:account-id:resource
// (IAM User Guide, "IAM identifiers" and the AWS General Reference "Amazon
// Resource Names (ARNs)"). It is an immutable, comparable value usable as a map
// key. The zero ARN is invalid (IsValid reports false); create one with
// ParseARN, MustParseARN or a composite literal.
//
// Region and AccountID may be empty: S3 bucket and object ARNs have neither
// (arn:aws:s3:::bucket/key), IAM and STS ARNs have no region
// (arn:aws:iam::123456789012:user/alice). Resource keeps every colon and
// slash after the fifth colon, so arn:aws:logs:us-east-1:1:log-group:g:* has
// Resource "log-group:g:*".
type ARN struct {
	Partition string
	Service   string
	Region    string
	AccountID string
	Resource  string
}

// ParseARN parses s. It needs the "arn" prefix, six colon-separated sections
// (the last may contain further colons), and non-empty partition, service and
// resource. The error quotes s.
func ParseARN(s string) (ARN, error) {
	if len(s) < 4 || s[:4] != "arn:" {
		return ARN{}, fmt.Errorf("iam: invalid ARN %q: must start with \"arn:\"", s)
	}
	var cut [4]int
	if !arnColons(s, &cut) {
		return ARN{}, fmt.Errorf("iam: invalid ARN %q: want arn:partition:service:region:account-id:resource (6 sections)", s)
	}
	a := ARN{Partition: s[4:cut[0]], Service: s[cut[0]+1 : cut[1]], Region: s[cut[1]+1 : cut[2]],
		AccountID: s[cut[2]+1 : cut[3]], Resource: s[cut[3]+1:]}
	switch {
	case a.Partition == "":
		return ARN{}, fmt.Errorf("iam: invalid ARN %q: empty partition", s)
	case a.Service == "":
		return ARN{}, fmt.Errorf("iam: invalid ARN %q: empty service", s)
	case a.Resource == "":
		return ARN{}, fmt.Errorf("iam: invalid ARN %q: empty resource", s)
	}
	return a, nil
}

// arnColons sets *cut to the positions of the first four colons of s
// after its "arn:" prefix, and reports whether there are four. The request pipeline parses
// a resource ARN on every call: finding the colons eight bytes a turn
// takes a third of the instructions of four strings.IndexByte calls,
// whose setup dominates on sections of three to twelve bytes.
func arnColons(s string, cut *[4]int) bool {
	const (
		colons = 0x3a3a3a3a3a3a3a3a // ':' in every byte
		low7   = 0x7f7f7f7f7f7f7f7f
	)
	p := unsafe.Pointer(unsafe.StringData(s))
	n, i := 0, 4
	for ; i+8 <= len(s); i += 8 {
		// The eight bytes from i, i+8 <= len(s): a slice of constant
		// length needs no bounds check, and the loads fold into one.
		w := binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(p, i)), 8))
		x := w ^ colons // zero bytes: colons
		// The high bit of each byte that is zero, and of no other: no
		// carry crosses a byte (Hacker's Delight 6-1, exact form).
		m := ^((x&low7 + low7) | x | low7)
		for m != 0 {
			cut[n] = i + bits.TrailingZeros64(m)>>3
			if n++; n == 4 {
				return true
			}
			m &= m - 1
		}
	}
	for ; i < len(s); i++ {
		if s[i] == ':' {
			cut[n] = i
			if n++; n == 4 {
				return true
			}
		}
	}
	return false
}

// MustParseARN is ParseARN for literals in tests and examples; it panics on
// invalid input.
func MustParseARN(s string) ARN {
	a, err := ParseARN(s)
	if err != nil {
		panic(err)
	}
	return a
}

// IsValid reports whether a has the sections every ARN needs.
func (a ARN) IsValid() bool { return a.Partition != "" && a.Service != "" && a.Resource != "" }

// String returns the ARN text; ParseARN(a.String()) == a for every valid a.
// The zero ARN prints as "".
func (a ARN) String() string {
	if a == (ARN{}) {
		return ""
	}
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.AccountID + ":" + a.Resource
}

// MarshalText implements encoding.TextMarshaler.
func (a ARN) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *ARN) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*a = ARN{}
		return nil
	}
	p, err := ParseARN(string(b))
	if err != nil {
		return err
	}
	*a = p
	return nil
}

// ResourceType is the part of Resource before the first '/' or ':' ("user"
// for user/alice, "instance" for instance/i-0abc), or "" when Resource has
// neither (an S3 bucket ARN's resource is just the bucket name).
func (a ARN) ResourceType() string {
	if i := strings.IndexAny(a.Resource, "/:"); i >= 0 {
		return a.Resource[:i]
	}
	return ""
}

// ResourceID is the part of Resource after the resource type and its
// separator ("path/Name" for role/path/Name), or all of Resource when there
// is no type.
func (a ARN) ResourceID() string {
	if i := strings.IndexAny(a.Resource, "/:"); i >= 0 {
		return a.Resource[i+1:]
	}
	return a.Resource
}

// Name is the last '/'-separated element of Resource: the friendly name of
// an IAM user, role, group or policy whatever its path ("Name" for
// role/path/Name).
func (a ARN) Name() string {
	r := a.Resource
	if i := strings.LastIndexByte(r, '/'); i >= 0 {
		return r[i+1:]
	}
	return a.ResourceID()
}

// Path is the IAM path of a user, role, group, policy or instance profile
// ARN: "/" for role/Name, "/a/b/" for role/a/b/Name.
func (a ARN) Path() string {
	id := a.ResourceID()
	i := strings.LastIndexByte(id, '/')
	if i < 0 {
		return "/"
	}
	return "/" + id[:i+1]
}
