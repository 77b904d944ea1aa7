import torch
import torch.nn as nn
import torch.nn.functional as F

def mish(x):
    return x * torch.tanh(F.softplus(x))

class Mish(nn.Module):
    def forward(self, x):
        return mish(x)

class LeakyReLU(nn.Module):
    def __init__(self, negative_slope: float = 0.01, inplace=False):
        super(LeakyReLU, self).__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

m = LeakyReLU()
print(m(torch.randn(4)))
