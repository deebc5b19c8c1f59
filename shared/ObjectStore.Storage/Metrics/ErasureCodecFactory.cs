using ObjectStore.Erasure;

namespace ObjectStore.Storage;

/// <summary>Makes the codec of a profile; registered in the container to replace the default (e.g. with a <see cref="MeteredErasureCodec"/>).</summary>
public delegate IErasureCodec ErasureCodecFactory(ErasureProfile profile);
