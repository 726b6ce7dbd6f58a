using System.Security.Cryptography;
using Diffusion.Cluster.Grains;
using Diffusion.Contracts;
using Diffusion.Core;

namespace Diffusion.Cluster.Execution;

/// <summary>
/// Resume from the last completed node: files that nodes write are copied into a content-addressed store in the shared
/// data folder (<c>cas/&lt;sha256&gt;</c>) and listed in the run's state by node key; a later attempt of the same run
/// (on any silo) puts them back instead of running the node again. Only nodes without output ports are restored: their
/// whole result is their files. Nodes that hand values (tensors) to others are recomputed.
/// </summary>
public sealed class SharedNodeFiles(string storeFolder, IReadOnlyDictionary<string, List<StoredFile>> completed, AttemptLog log) : INodeResume
{
    public bool TryRestore(ValidatedNode node, string key, string outputRoot, out NodeOutputs outputs)
    {
        ArgumentNullException.ThrowIfNull(node);
        outputs = NodeOutputs.None;
        if (node.Type.Descriptor.Outputs.Count != 0 || !completed.TryGetValue(key, out var files) || files.Count == 0)
        {
            return false;
        }

        var copies = new List<(string From, string To)>();
        foreach (var file in files)
        {
            var from = Path.Combine(storeFolder, file.Sha256);
            var to = Path.GetFullPath(Path.Combine(outputRoot, file.Name));
            // Names come from this cluster's own state; still, nothing is written outside the run's folder.
            if (!File.Exists(from) || !to.StartsWith(outputRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) || File.Exists(to))
            {
                return false;
            }

            copies.Add((from, to));
        }

        foreach (var (from, to) in copies)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
        }

        return true;
    }

    public void Completed(ValidatedNode node, string key, string outputRoot, NodeOutputs outputs, IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(files);
        if (node.Type.Descriptor.Outputs.Count != 0 || files.Count == 0)
        {
            return;
        }

        var stored = new List<StoredFile>();
        foreach (var path in files.Where(File.Exists))
        {
            stored.Add(Store(path, outputRoot));
        }

        log.CompletedNodes.Enqueue((key, stored));
    }

    private StoredFile Store(string path, string outputRoot)
    {
        string hash;
        long bytes;
        using (var stream = File.OpenRead(path))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            bytes = stream.Length;
        }

        var target = Path.Combine(storeFolder, hash);
        if (!File.Exists(target))
        {
            Directory.CreateDirectory(storeFolder);
            // Copy under a temporary name, then move: another silo storing the same content at once finds a whole file.
            var temporary = Path.Combine(storeFolder, $".tmp-{Guid.NewGuid():N}");
            File.Copy(path, temporary);
            try
            {
                File.Move(temporary, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                File.Delete(temporary);
            }
        }

        return new StoredFile(Path.GetRelativePath(outputRoot, path).Replace(Path.DirectorySeparatorChar, '/'), hash, bytes);
    }
}
