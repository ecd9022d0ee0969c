package iam

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAWSManagedPerService: the AWS managed policies are shared text, but
// each Service counts its own attachments, so replications never see one
// another's (the copies are made on a Service's first lookup).
func TestAWSManagedPerService(t *testing.T) {
	arn := AWSManagedPolicyARN("ReadOnlyAccess")
	a, rootA := newTestService(t)
	b, rootB := newTestService(t)
	require.Nil(t, a.managed, "copies made before any lookup")
	require.NoError(t, a.AttachUserPolicy(rootA, "alice", arn))
	pa, err := a.GetPolicy(rootA, arn)
	require.NoError(t, err)
	pb, err := b.GetPolicy(rootB, arn)
	require.NoError(t, err)
	require.Equal(t, 1, pa.AttachmentCount)
	require.Equal(t, 0, pb.AttachmentCount)
	require.Same(t, pa.Document, pb.Document, "the parsed document is shared")
	require.Equal(t, pa.PolicyID, pb.PolicyID)
	require.True(t, pb.IsAWSManaged())
	_, err = b.GetPolicy(rootB, AWSManagedPolicyARN("NoSuchPolicy"))
	require.Error(t, err)
}
