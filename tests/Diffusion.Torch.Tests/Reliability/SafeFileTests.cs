using System.Diagnostics;
using Diffusion.Torch.Files;

namespace Diffusion.Torch.Tests.Reliability;

/// <summary>
/// Only regular files are read (FIFOs never opened in a blocking way, devices never read) and writes only create or
/// replace regular files. Run as root here, where a rename over /dev/null replaces the device.
/// </summary>
public sealed class SafeFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("diffusion-safefile-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Fifo()
    {
        var path = Path.Combine(dir, "fifo");
        using var process = Process.Start("mkfifo", [path]);
        process.WaitForExit();
        process.ExitCode.Should().Be(0);
        return path;
    }

    [Fact]
    public void The_probe_tells_files_folders_links_devices_and_fifos_apart()
    {
        var file = Path.Combine(dir, "f");
        File.WriteAllText(file, "abc");
        var link = Path.Combine(dir, "l");
        File.CreateSymbolicLink(link, file);

        FileProbe.Inspect(file).Should().Be(new FileEntry(FileEntryKind.RegularFile, 3));
        FileProbe.Inspect(dir).Kind.Should().Be(FileEntryKind.Directory);
        FileProbe.Inspect(link, followLinks: false).Kind.Should().Be(FileEntryKind.SymbolicLink);
        FileProbe.Inspect(link).Kind.Should().Be(FileEntryKind.RegularFile);
        FileProbe.Inspect("/dev/null").Kind.Should().Be(FileEntryKind.CharacterDevice);
        FileProbe.Inspect(Fifo()).Kind.Should().Be(FileEntryKind.Fifo);
        FileProbe.Inspect(Path.Combine(dir, "missing")).Kind.Should().Be(FileEntryKind.Missing);
        FileProbe.Inspect(Path.Combine(file, "below-a-file")).Kind.Should().Be(FileEntryKind.Missing);
    }

    [Fact]
    public async Task Reading_a_fifo_fails_at_once_naming_it()
    {
        var fifo = Fifo();

        var read = () => Task.Run(() => SafeFile.ReadAllBytes(fifo, 100, "Weights file")).WaitAsync(TimeSpan.FromSeconds(30));

        (await read.Should().ThrowAsync<FileRefusedException>()).Which.Message.Should().Contain(fifo).And.Contain("FIFO");
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/urandom")]
    public void Devices_are_never_read(string path)
    {
        var read = () => SafeFile.ReadAllBytes(path, long.MaxValue, "Pipeline file");

        read.Should().Throw<FileRefusedException>().Which.Message.Should().Contain("character device");
    }

    [Fact]
    public void A_folder_is_a_folder_and_an_oversized_file_is_refused_before_reading()
    {
        var big = Path.Combine(dir, "big");
        File.WriteAllBytes(big, new byte[101]);

        ((Action)(() => SafeFile.ReadAllBytes(dir, 100, "Config"))).Should().Throw<FileRefusedException>().WithMessage("*is a directory*");
        ((Action)(() => SafeFile.ReadAllBytes(big, 100, "Config"))).Should().Throw<FileRefusedException>().WithMessage("*101 bytes*100-byte limit*");
        ((Action)(() => SafeFile.ReadAllBytes(Path.Combine(dir, "none"), 100, "Config"))).Should().Throw<FileNotFoundException>().WithMessage("*does not exist*");
    }

    [Fact]
    public void Writing_to_dev_null_leaves_the_device_alone()
    {
        var write = () => SafeFile.Write("/dev/null", [1, 2, 3]);

        write.Should().Throw<FileRefusedException>().Which.Message.Should().Contain("character device");
        FileProbe.Inspect("/dev/null").Kind.Should().Be(FileEntryKind.CharacterDevice);
    }

    [Fact]
    public void Writes_never_follow_a_link_or_replace_a_fifo_or_folder()
    {
        var target = Path.Combine(dir, "target");
        File.WriteAllText(target, "keep");
        var link = Path.Combine(dir, "link");
        File.CreateSymbolicLink(link, target);
        var fifo = Fifo();
        var folder = Directory.CreateDirectory(Path.Combine(dir, "folder")).FullName;

        foreach (var path in new[] { link, fifo, folder })
        {
            ((Action)(() => SafeFile.WriteText(path, "new"))).Should().Throw<FileRefusedException>();
        }

        File.ReadAllText(target).Should().Be("keep");
        FileProbe.Inspect(link, followLinks: false).Kind.Should().Be(FileEntryKind.SymbolicLink);
        FileProbe.Inspect(fifo).Kind.Should().Be(FileEntryKind.Fifo);
        Directory.GetFiles(dir, "*.tmp").Should().BeEmpty("no temporary file is left behind");
    }

    [Fact]
    public void A_regular_file_is_replaced_atomically()
    {
        var path = Path.Combine(dir, "out.txt");
        File.WriteAllText(path, "old");

        SafeFile.WriteText(path, "new");

        File.ReadAllText(path).Should().Be("new");
        Directory.GetFiles(dir).Should().ContainSingle();
    }

    [Fact]
    public void Links_are_resolved_also_below_parts_that_do_not_exist_yet()
    {
        var real = Directory.CreateDirectory(Path.Combine(dir, "real")).FullName;
        var link = Path.Combine(dir, "alias");
        Directory.CreateSymbolicLink(link, real);
        var loop = Path.Combine(dir, "loop");
        File.CreateSymbolicLink(loop, loop);

        LinkResolution.Resolve(Path.Combine(link, "new", "file.txt")).Should().Be(Path.Combine(real, "new", "file.txt"));
        LinkResolution.IsWithin(Path.Combine(real, "x"), real).Should().BeTrue();
        LinkResolution.IsWithin(real + "-sibling", real).Should().BeFalse("a shared prefix is not containment");
        ((Action)(() => LinkResolution.Resolve(Path.Combine(loop, "x")))).Should().Throw<IOException>().WithMessage("*symbolic links*");
    }
}
