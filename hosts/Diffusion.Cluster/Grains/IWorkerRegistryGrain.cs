namespace Diffusion.Cluster.Grains;

/// <summary>The silos' statuses (one grain, key 0, in memory: silos report again within a second after it moves).</summary>
public interface IWorkerRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a silo's status and returns every status reported in the last few seconds.</summary>
    Task<WorkerStatus[]> Report(WorkerStatus status);

    /// <summary>Every status reported in the last few seconds.</summary>
    Task<WorkerStatus[]> All();
}
