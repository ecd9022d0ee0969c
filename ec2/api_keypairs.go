package ec2

import (
	"context"
	"encoding/base64"
	"slices"
	"sort"
	"strings"
)

// KeyPairInfo describes a key pair (DescribeKeyPairs).
type KeyPairInfo struct {
	KeyPairId      string
	KeyName        string
	KeyType        string
	KeyFingerprint string
}

// CreateKeyPairInput is CreateKeyPair's request; KeyType is "rsa"
// (default) or "ed25519".
type CreateKeyPairInput struct {
	KeyName string
	KeyType string
}

// CreateKeyPairOutput is CreateKeyPair's response. KeyMaterial is a
// placeholder: the simulation keeps no private keys.
type CreateKeyPairOutput struct {
	KeyPairId      string
	KeyName        string
	KeyFingerprint string
	KeyMaterial    string
}

// CreateKeyPair creates a key pair in the region (InvalidKeyPair.Duplicate
// if the name is taken).
func (c *Client) CreateKeyPair(ctx context.Context, in *CreateKeyPairInput) (*CreateKeyPairOutput, error) {
	if in == nil {
		in = &CreateKeyPairInput{}
	}
	var out *CreateKeyPairOutput
	err := c.call(ctx, "CreateKeyPair", resRef{}, []resRef{{"key-pair", "*"}}, func(account string) error {
		kt := in.KeyType
		switch kt {
		case "":
			kt = "rsa"
		case "rsa", "ed25519":
		default:
			return errInvalidValue(in.KeyType, "KeyType")
		}
		mat := placeholderMaterial(account + "/" + c.region + "/" + in.KeyName)
		k, err := c.svc.newKey(account, c.region, in.KeyName, kt, []byte(mat), true)
		if err != nil {
			return err
		}
		out = &CreateKeyPairOutput{KeyPairId: k.id, KeyName: k.name, KeyFingerprint: k.fingerprint, KeyMaterial: mat}
		return nil
	})
	return out, wrap("CreateKeyPair", err)
}

// ImportKeyPairInput is ImportKeyPair's request: an OpenSSH public key
// ("ssh-rsa AAAA... comment" or "ssh-ed25519 ...").
type ImportKeyPairInput struct {
	KeyName           string
	PublicKeyMaterial []byte
}

// ImportKeyPairOutput is ImportKeyPair's response.
type ImportKeyPairOutput struct {
	KeyPairId      string
	KeyName        string
	KeyFingerprint string
}

// ImportKeyPair imports a public key. Material that is not an OpenSSH
// public key of a supported type is InvalidKey.Format.
func (c *Client) ImportKeyPair(ctx context.Context, in *ImportKeyPairInput) (*ImportKeyPairOutput, error) {
	if in == nil {
		in = &ImportKeyPairInput{}
	}
	var out *ImportKeyPairOutput
	err := c.call(ctx, "ImportKeyPair", resRef{}, []resRef{{"key-pair", "*"}}, func(account string) error {
		kt, blob, err := parsePublicKey(string(in.PublicKeyMaterial))
		if err != nil {
			return err
		}
		k, err := c.svc.newKey(account, c.region, in.KeyName, kt, blob, false)
		if err != nil {
			return err
		}
		out = &ImportKeyPairOutput{KeyPairId: k.id, KeyName: k.name, KeyFingerprint: k.fingerprint}
		return nil
	})
	return out, wrap("ImportKeyPair", err)
}

// parsePublicKey reads an OpenSSH public key line and returns its type and
// decoded blob.
func parsePublicKey(s string) (string, []byte, error) {
	f := strings.Fields(s)
	bad := clientErr("InvalidKey.Format", "Key is not in valid OpenSSH public key format")
	if len(f) < 2 {
		return "", nil, bad
	}
	var kt string
	switch f[0] {
	case "ssh-rsa":
		kt = "rsa"
	case "ssh-ed25519":
		kt = "ed25519"
	default:
		return "", nil, bad
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	// The blob starts with the length-prefixed type name again.
	if err != nil || len(blob) < 4+len(f[0]) || string(blob[4:4+len(f[0])]) != f[0] {
		return "", nil, bad
	}
	return kt, blob, nil
}

// DescribeKeyPairsInput is DescribeKeyPairs' request.
type DescribeKeyPairsInput struct {
	KeyNames   []string
	KeyPairIds []string
}

// DescribeKeyPairsOutput is DescribeKeyPairs' response.
type DescribeKeyPairsOutput struct{ KeyPairs []KeyPairInfo }

// DescribeKeyPairs lists the caller's key pairs in the region; a named
// key that does not exist is InvalidKeyPair.NotFound.
func (c *Client) DescribeKeyPairs(ctx context.Context, in *DescribeKeyPairsInput) (*DescribeKeyPairsOutput, error) {
	if in == nil {
		in = &DescribeKeyPairsInput{}
	}
	out := &DescribeKeyPairsOutput{}
	err := c.call(ctx, "DescribeKeyPairs", resRef{}, nil, func(account string) error {
		var mine []*keyPair
		for k, v := range c.svc.keyPairs() {
			if k.account == account && k.region == c.region {
				mine = append(mine, v)
			}
		}
		sort.Slice(mine, func(i, j int) bool { return mine[i].name < mine[j].name })
		for _, n := range in.KeyNames {
			if _, ok := c.svc.keyPair(account, c.region, n); !ok {
				return errKeyPairNotFound(n)
			}
		}
		for _, id := range in.KeyPairIds {
			found := false
			for _, k := range mine {
				found = found || k.id == id
			}
			if !found {
				return clientErr("InvalidKeyPair.NotFound", "The key pair '%s' does not exist", id)
			}
		}
		for _, k := range mine {
			if (len(in.KeyNames) > 0 || len(in.KeyPairIds) > 0) && !slices.Contains(in.KeyNames, k.name) && !slices.Contains(in.KeyPairIds, k.id) {
				continue
			}
			out.KeyPairs = append(out.KeyPairs, KeyPairInfo{KeyPairId: k.id, KeyName: k.name, KeyType: k.keyType, KeyFingerprint: k.fingerprint})
		}
		return nil
	})
	return out, wrap("DescribeKeyPairs", err)
}

// DeleteKeyPairInput is DeleteKeyPair's request.
type DeleteKeyPairInput struct {
	KeyName   string
	KeyPairId string
}

// DeleteKeyPairOutput is DeleteKeyPair's (empty) response.
type DeleteKeyPairOutput struct{}

// DeleteKeyPair deletes a key pair. Like EC2, deleting a name that does
// not exist succeeds; instances launched with it keep their KeyName.
func (c *Client) DeleteKeyPair(ctx context.Context, in *DeleteKeyPairInput) (*DeleteKeyPairOutput, error) {
	if in == nil {
		in = &DeleteKeyPairInput{}
	}
	err := c.call(ctx, "DeleteKeyPair", resRef{}, nil, func(account string) error {
		if in.KeyName == "" && in.KeyPairId == "" {
			return clientErr("MissingParameter", "The request must contain the parameter KeyName or KeyPairId")
		}
		for k, v := range c.svc.keyPairs() {
			if k.account == account && k.region == c.region && (v.name == in.KeyName || v.id == in.KeyPairId) {
				delete(c.svc.keys, k)
			}
		}
		return nil
	})
	return &DeleteKeyPairOutput{}, wrap("DeleteKeyPair", err)
}
